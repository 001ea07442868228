// The officer look-up page: scan a receipt's QR code with the camera (BarcodeDetector).
// A static file, so that the Content-Security-Policy allows no inline script.
(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var button = document.getElementById("scan"), video = document.getElementById("scan-video");
  button.hidden = false;
  button.addEventListener("click", async function () {
    var detector = new BarcodeDetector({formats: ["qr_code"]});
    var stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
    video.srcObject = stream; video.hidden = false; await video.play();
    var tick = async function () {
      var codes = await detector.detect(video);
      if (codes.length) {
        stream.getTracks().forEach(function (t) { t.stop(); });
        document.getElementById("q-token").value = codes[0].rawValue;
        document.getElementById("lookup-token").click();
      } else { requestAnimationFrame(tick); }
    };
    tick();
  });
})();
