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

__all__ = ["DETAILS", "FACTS", "HINTS", "KINDS", "SUMMARIES"]


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
}

# Hints shown under a field.
HINTS: dict[str, str] = {
    "visit_areas": _("城市、区县或省份，用逗号分隔，例如：上海, 苏州, 江阴, 杭州"),
    "entry_port": _("可输入口岸名称、简称、英文名称或机场三字代码"),
    "origin": _("国家或地区、机场三字代码或城市，例如：美国、NRT、东京"),
    "destination": _("国家或地区、机场三字代码或城市，例如：日本、ICN、首尔"),
    "origin_airport": _("如 FRA（法兰克福）：按机场读取，不会误读为国家代码"),
    "destination_airport": _("如 NRT（东京成田）"),
    "exit_port": _("可输入口岸名称、简称、英文名称或机场三字代码"),
    "airport": _("可输入机场名称或三字代码"),
    "port": _("可输入口岸名称、简称或英文名称"),
    "entry_time": _("北京时间"),
    "departure_time": _("北京时间"),
    "arrival_time": _("北京时间"),
    "full_legal_capacity": _("不确定时按年龄判断（民法典第十七条至第二十二条）"),
    "lives_on_own_labour_income": _("仅对16、17周岁者有意义：视为完全民事行为能力人"),
    "guardian_present": _("不确定时，答复会说明是否须由法定监护人陪同"),
}

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
