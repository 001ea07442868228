"""Words of the pages only: labels of facts (form fields), hints, kinds of port, labels of
decision details and the measures' summaries on the home page. The values of the facts
are named by the measures themselves (``Measure.value_labels``), not here.

Chinese is the source; each string is wrapped in ``_`` (an identity marker) so that
``pybabel extract -k _`` finds it, and is translated at render time with
:func:`churujing.i18n.translate` (catalogue ``locale/en/LC_MESSAGES/web.po``).
Keys are the public fact names of the CLI contract (docs/GLOSSARY); a fact without a
label here is labelled from its JSON Schema's title or description.
"""

from __future__ import annotations

__all__ = ["DETAILS", "DETAIL_VALUES", "EXIT_ENTRY_NOTE", "FACTS", "FOOTER_NOTES",
           "HIDDEN_DETAILS", "HINTS", "KINDS", "MEASURE_HINTS", "REFUSAL_HIDDEN_DETAILS",
           "SUMMARIES", "hint_for"]


def _(msgid: str) -> str:
    return msgid


# Facts (form fields).
FACTS: dict[str, str] = {
    "nationality": _("国籍"),
    "passport_expiry": _("护照有效期至"),
    "entry_port": _("入境口岸"),
    "entry_time": _("抵达（入境）时间"),
    "entry_date": _("入境日期"),
    "origin": _("出发地（从哪个国家或地区来）"),
    "destination": _("目的地（前往哪个国家或地区）"),
    "origin_airport": _("出发机场（三字代码，可不填）"),
    "destination_airport": _("目的地机场（三字代码，可不填）"),
    "departure_time": _("离境（续程航班或车船）时间"),
    "arrival_time": _("抵达时间"),
    "onward_ticket": _("已持有确定日期和座位的联程客票"),
    "connecting_ticket": _("持有已确定座位的联程客票"),
    "leaves_restricted_area": _("需要离开口岸限定区域"),
    "purpose": _("来华目的"),
    "visit_areas": _("计划前往的地方（省或城市）"),
    "exit_port": _("出境口岸"),
    "airport": _("机场"),
    "port": _("口岸"),
    "date": _("日期"),
    "age": _("年龄（周岁）"),
    "traveller": _("旅客类别"),
    "document": _("证件"),
    "endorsement": _("签注"),
    "type": _("种类"),
    "multiple": _("多次有效"),
    "biometric_consent": _("同意采集核验面相、指纹等信息"),
    "full_legal_capacity": _("具有完全民事行为能力"),
    "lives_on_own_labour_income": _("以自己的劳动收入为主要生活来源"),
    "guardian_present": _("法定监护人陪同"),
    "taiwan_resident": _("台湾居民"),
    "holds_valid_permit": _("已持有有效的台湾居民来往大陆通行证"),
    "entry_mode": _("入境方式"),
    "hukou_city": _("户籍所在城市"),
    "hukou_province": _("户籍所在省份"),
    "talent_certificate": _("持有人才证明"),
    "in_free_trade_zone": _("在自由贸易试验区工作"),
    "work_city": _("工作所在城市"),
    "in_hetao_park": _("在河套合作区深圳园区工作"),
    "talent_category": _("人才类别"),
    "apply_city": _("申请地城市"),
    "application": _("申请类别"),
    "state_functionary": _("登记备案的国家工作人员"),
    "active_military": _("现役军人"),
    "reason": _("原因"),
    "holds_previous_document": _("持有原证件"),
    "fingerprints_on_file": _("已留存指纹"),
    "region": _("地区"),
    "stay_expiry": _("逗留期届满日期"),
    "filing_date": _("提交申请日期"),
    "calendar": _("工作日历"),
    # measure 4 (the Hetao zone): who asks, then one fact a subject answers
    "subject": _("申请对象"),
    "works_in_park": _("在深圳园区的科研机构或科技创新企业等单位工作"),
    "filed_with_park_authority": _("已在深圳园区管理部门备案"),
    "mainland_resident": _("内地居民"),
    "employer_in_park": _("所在企业或机构位于深圳园区"),
    "frequent_crossing": _("经常进出合作区"),
    "urgent_entry": _("须紧急进出合作区"),
    "in_park": _("企业或机构位于深圳园区"),
    "emerging_or_startup": _("新兴企业或初创企业"),
    "first_year": _("处于首个年度"),
    "key_enterprise": _("重点企业或机构"),
    "wants_business_filing": _("办理往来港澳商务备案"),
    "carries_research_materials": _("运输科研物资"),
    "serves_park": _("进出合作区"),
}

# Hints shown under a field, written for the person filling in the form (the facts' schema
# descriptions are for programmers and are never shown). A hint by fact name; a measure
# whose fact means something of its own there has its own hint (MEASURE_HINTS), dotted
# inside a nested fact. tests/web/test_one_language.py checks every field has one.
HINTS: dict[str, str] = {
    "nationality": _("护照上写明的国籍"),
    "passport_expiry": _("护照资料页上印的有效期截止日期"),
    "visit_areas": _("城市、区县或省份，用逗号分隔，例如：上海, 苏州, 江阴, 杭州"),
    "entry_port": _("可输入口岸名称、简称、英文名称或机场三字代码"),
    "origin": _("国家或地区、机场三字代码或城市，例如：美国、NRT、东京"),
    "destination": _("国家或地区、机场三字代码或城市，例如：日本、ICN、首尔"),
    "origin_airport": _("如 FRA（法兰克福）：按机场读取，不会误读为国家代码"),
    "destination_airport": _("如 NRT（东京成田）"),
    "exit_port": _("可输入口岸名称、简称、英文名称或机场三字代码"),
    "airport": _("可输入机场名称或三字代码"),
    "port": _("可输入口岸名称、简称或英文名称"),
    "entry_time": _("航班或车船抵达中国口岸的时间，按北京时间填写"),
    "departure_time": _("离开中国的航班或车船的出发时间，按北京时间填写"),
    "arrival_time": _("航班抵达中国机场的时间，按北京时间填写"),
    "onward_ticket": _("前往第三国或地区、日期和座位都已确定的机票、船票或火车票"),
    "purpose": _("此行主要做什么，例如旅游、商务或探亲"),
    "connecting_ticket": _("从这个机场转乘前往第三国或地区的国际联程机票，续程航班的座位已确定"),
    "leaves_restricted_area": _("转机期间是否要走出机场的国际中转区域，例如去住酒店或游览"),
    "full_legal_capacity": _("不确定时按年龄判断（民法典第十七条至第二十二条）"),
    "lives_on_own_labour_income": _("仅对16、17周岁者有意义：视为完全民事行为能力人"),
    "guardian_present": _("不确定时，答复会说明是否须由法定监护人陪同"),
    "age": _("按周岁计算，即已满的年数"),
    "traveller": _("您以哪一类居民的身份通关"),
    "endorsement.type": _("往来港澳通行证上签注的种类"),
    "endorsement.multiple": _("签注可以多次往返的，选“是”"),
    "biometric_consent": _("走智能通道须采集并核验面相、指纹"),
    "work_city": _("您工作单位所在的城市，例如：杭州"),
    "in_free_trade_zone": _("工作地点是否在自由贸易试验区的某个片区内；只有城市部分在片区内时才需要回答"),  # noqa: E501
    "in_hetao_park": _("在河套深港科技创新合作区深圳园区内的单位工作"),
    "talent_category": _("人才证明上写明的人才类别"),
    "talent_certificate": _("由人才主管部门、用人单位等出具的人才证明"),
    "hukou_province": _("您户口所在的省份，例如：四川"),
    "apply_city": _("您打算在哪个城市申请，例如：上海"),
    "hukou_city": _("您户口所在的城市，例如：苏州"),
    "application": _("换发：证件快到期或签证页用完；补发：证件遗失、被盗或损毁；首次申领：从未办过这种证件"),  # noqa: E501
    "state_functionary": _("您是否为在出入境管理机构登记备案的国家工作人员"),
    "active_military": _("您是否为现役军人"),
    "reason": _("为什么要换发或补发证件"),
    "holds_previous_document": _("以前办过同类证件，而且仍在有效期内（补发时填写）"),
    "fingerprints_on_file": _("以前申请证件时已经留存过指纹"),
    "region": _("您现在在香港还是澳门"),
    "stay_expiry": _("签注允许停留的最后一天"),
    "filing_date": _("您提交续办申请的日期"),
    "calendar": _("按哪一方的工作日计算；不确定时选内地"),
    "taiwan_resident": _("您是否为台湾居民"),
    "holds_valid_permit": _("您是否已持有有效的台湾居民来往大陆通行证（台胞证）"),
    "entry_date": _("您抵达中国的日期"),
    "entry_mode": _("您以什么方式入境，例如持签证、免签或过境免签"),
    "date": _("按年-月-日填写"),
    "subject": _("这项便利是给个人、企业机构还是车辆"),
    "works_in_park": _("您在深圳园区的科研院所、科技创新企业等机构工作"),
    "filed_with_park_authority": _("您已在深圳园区管理部门备案"),
    "mainland_resident": _("您是内地居民"),
    "employer_in_park": _("您所在的企业或机构位于深圳园区"),
    "frequent_crossing": _("您因工作需要经常进出合作区"),
    "urgent_entry": _("您因重大项目、重要活动等须紧急进出合作区"),
    "in_park": _("企业或机构位于深圳园区"),
    "emerging_or_startup": _("属于新兴企业或初创企业"),
    "first_year": _("企业处于成立后的第一个年度"),
    "key_enterprise": _("高新技术、高端制造等领域的重点企业或机构"),
    "wants_business_filing": _("企业要为员工办理往来港澳商务备案"),
    "carries_research_materials": _("车辆运输科研物资"),
    "serves_park": _("车辆进出合作区"),
}

# A fact that reads differently on one measure's form.
MEASURE_HINTS: dict[str, dict[str, str]] = {
    "talent-endorsement": {"date": _("您申请签注的日期")},
    "taiwan-family-visit": {"date": _("您申请签注的日期")},
    "online-renewal": {"date": _("您提交网上申请的日期"),
                       "age": _("申请当天的周岁年龄"),
                       "document": _("您要换发或补发的证件")},
    "smart-clearance": {"date": _("您通关的日期"),
                        "age": _("通关当天的周岁年龄"),
                        "document": _("您通关时出示的证件")},
    "hetao-zone": {"date": _("您要使用这项便利的日期")},
    "taiwan-one-time-permit": {"date": _("您抵达口岸的日期")},
    "family-visit-extension": {"endorsement": _("您这次去港澳所持签注的种类")},
    "direct-transit-24h": {"nationality": _("可不填：这项措施不论国籍；填写后，答复会说明还有哪些入境方式")},  # noqa: E501
    "arrival-card": {"document": _("您入境时出示的证件"),
                     "nationality": _("国家或地区的名称或两位代码，例如：德国、DE")},
}

def hint_for(measure_id: str, name: str) -> str:
    """The hint msgid of a form field (dotted inside a nested fact), or ''."""
    own = MEASURE_HINTS.get(measure_id, {})
    leaf = name.split(".")[-1]
    return own.get(name) or own.get(leaf) or HINTS.get(name) or HINTS.get(leaf, "")


# Kinds of port.
KINDS: dict[str, str] = {
    "air": _("航空"),
    "sea": _("水运"),
    "land": _("公路"),
    "rail": _("铁路"),
}

# Details of a decision.
DETAILS: dict[str, str] = {
    "stay_deadline": _("最迟离境时间"),
    "stay_hours": _("可停留小时数"),
    "accepted_documents": _("可用证件"),
    "airport_since": _("机场适用起始日期"),
    "airports": _("适用机场"),
    "channel": _("渠道"),
    "counting": _("计算方式"),
    "endorsement_types": _("适用签注种类"),
    "latest_departure": _("最迟离开时间"),
    "latest_filing_date": _("最迟申请日期"),
    "layover_hours": _("转机停留小时数"),
    "max_hours": _("最长小时数"),
    "min_age": _("最低年龄"),
    "min_working_days": _("最少工作日数"),
    "port_clause": _("口岸所依据条款"),
    "port_count": _("口岸数"),
    "port_since": _("口岸适用起始日期"),
    "ports": _("口岸"),
    "province_ports": _("本省口岸"),
    "special_days": _("调休及节假日"),
    "working_days_before_expiry": _("距届满的工作日数"),
    "allowed_areas": _("可停留活动区域"),
    "alternatives": _("其他可能的入境方式"),
    "required": _("须填报"),
    "exemption": _("免填情形"),
    "channels": _("填报渠道"),
    "capacity": _("民事行为能力"),
    "guardian_required": _("须由法定监护人陪同"),
    "provisional": _("暂定答复（节假日安排尚未公布）"),
    "validity_years": _("签注有效期（年）"),
    "max_stay_days": _("每次最多停留天数"),
    "apply_where": _("向哪里申请"),
    "region": _("所属区域"),
    "zone_areas": _("所在自由贸易试验区片区"),
    "zone_fit": _("工作地与自由贸易试验区"),
    "route": _("适用政策"),
    "subject": _("申请对象"),
    "facilities": _("可享受的便利"),
    "other_facilities": _("其他便利（条件尚未满足）"),
    "instead": _("可改为"),
    "pilot_cities": _("试点城市数"),
    "processing_working_days": _("办理时限（工作日）"),
    "endorsement_validities": _("可签发的签注"),
    "nationwide": _("可在全国任一地申请"),
    "where_to_apply": _("向哪里申请"),
}

# Details shown elsewhere on the page: ``facility_codes`` are the codes of ``facilities``.
HIDDEN_DETAILS: frozenset[str] = frozenset({"facility_codes"})

# Details a refusal does not show (issue 13): when to leave and where one may stay belong
# to a stay that is not allowed.
REFUSAL_HIDDEN_DETAILS: frozenset[str] = frozenset(
    {"stay_deadline", "latest_departure", "stay_hours", "layover_hours", "allowed_areas"})

# Who decides, by measure, for the pages' footer (the default: the border inspection
# authorities, 出入境边防检查机关, who decide at the port: M03, M05, M06, M10). Endorsements,
# documents and permits are issued by the public security organs' exit-entry administrations
# (公安机关出入境管理机构: M01, M02, M07, M08; M09 at the port, "口岸公安机关出入境管理机构");
# M04 has both an endorsement and border channels.
EXIT_ENTRY_NOTE = _("依据国家移民管理局公告2025年第4号。本网站的答复仅供参考，"
                    "以公安机关出入境管理机构的决定为准。")
FOOTER_NOTES: dict[str, str] = {
    **dict.fromkeys(("M01", "M02", "M07", "M08", "M09"), EXIT_ENTRY_NOTE),
    "M04": _("依据国家移民管理局公告2025年第4号。本网站的答复仅供参考，"
             "以公安机关出入境管理机构和出入境边防检查机关的决定为准。"),
}

# Values of details that are codes (detail -> code -> words).
DETAIL_VALUES: dict[str, dict[str, str]] = {
    "route": {"general": _("一般人才签注政策"), "hetao": _("河套合作区深圳园区人才签注政策")},
    "zone_fit": {"inside": _("全部在片区内"), "partly": _("部分在片区内"),
                 "outside": _("不在片区内")},
}

# The ten measures in plain words, by clause. Numbers come from the data (``{...}``).
SUMMARIES: dict[str, str] = {
    "M01": _("在长三角、京津冀和所有自由贸易试验区工作的内地人才，可以申请多次往来香港、澳门的人才签注。"),  # noqa: E501
    "M02": _("大陆居民去台湾探亲，可以在全国任何一个县级以上公安出入境管理机构申请签注，不必回户籍地。"),  # noqa: E501
    "M03": _("更多口岸可以“刷脸”通关：符合条件的内地、港澳和台湾居民可走智能快捷通道。"),
    "M04": _("在河套深港科技创新合作区深圳园区工作的内地人才，可免交人才证明申请多次往来港澳人才签注，通关也更便利。"),  # noqa: E501
    "M05": _("在更多国际机场，{hours}小时内不出机场直接转机前往第三国或地区的旅客，免办边检查验手续。"),  # noqa: E501
    "M06": _("{countries}个国家的公民经{ports}个口岸过境前往第三国或地区，可免签在中国停留最多{hours}小时。"),  # noqa: E501
    "M07": _("在更多试点城市，普通护照和往来港澳台通行证的换发、补发可以全程在网上办理。"),
    "M08": _("持探亲签注在香港、澳门探亲的内地居民，逗留期不够时可以在港澳就地续办同类型探亲签注。"),  # noqa: E501
    "M09": _("可以为台湾居民签发一次有效来往大陆通行证的口岸增加到{ports}个。"),
    "M10": _("外国人可以在来华前网上填报入境卡，部分旅客免于填报。"),
}
