// Filter the rows of the tables on the ports page as the user types (no library).
(function () {
  "use strict";
  var input = document.getElementById("filter");
  if (!input) return;
  function fold(s) {
    return (s || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f\s]/g, "");
  }
  function apply() {
    var needle = fold(input.value);
    document.querySelectorAll("section.filterable").forEach(function (section) {
      var shown = 0;
      section.querySelectorAll(".scroll tbody tr").forEach(function (row) {
        var hit = !needle || fold(row.getAttribute("data-search")).indexOf(needle) !== -1;
        row.hidden = !hit;
        if (hit) shown += 1;
      });
      section.querySelectorAll("details.stay tbody tr").forEach(function (row) {
        row.hidden = !!needle && fold(row.getAttribute("data-search")).indexOf(needle) === -1;
      });
      var count = section.querySelector(".count");
      if (count) count.textContent = needle ? shown + " / " + count.getAttribute("data-total")
                                            : count.getAttribute("data-total");
    });
  }
  input.addEventListener("input", apply);
  apply();
})();
