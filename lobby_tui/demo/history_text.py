"""What the synthetic managers wrote over the demo's past days, in the language the demo is
shown in (data, like the demo morning's DEMO_TEXT: stored in rows, not shown as labels)."""

from __future__ import annotations

from typing import Any

# Per complaint category: subject, description, what the customer wants, what was done on
# the spot, a progress note, the resolution.
COMPLAINTS: dict[str, dict[str, tuple[str, str, str, str, str, str]]] = {
    "zh": {
        "waiting": (
            "排队等候时间过长",
            "客户称取号后等候四十分钟仍未办理，期间无人解释原因。",
            "希望网点致歉并增开窗口",
            "当面致歉，安排优先窗口办理",
            "已与运营主管确认午间窗口排班",
            "已致歉并调整午间窗口安排",
        ),
        "attitude": (
            "柜员服务态度生硬",
            "客户认为柜员解释业务时语气不耐烦，未说明所需材料。",
            "希望柜员道歉",
            "网点负责人当面致歉，重新讲解所需材料",
            "已约谈当事柜员",
            "当事柜员已致歉，纳入服务培训",
        ),
        "fees": (
            "银行卡年费扣收有异议",
            "客户称未被告知年费，账户被扣收 200 元。",
            "退还年费",
            "核实后当场办理年费减免",
            "已提交卡部审核退费",
            "卡部同意退还年费，已入账",
        ),
        "error": (
            "转账到账延迟",
            "客户跨行转账两天未到账，担心资金安全。",
            "尽快查明资金去向",
            "当场查询，款项已在途，告知到账时间",
            "已提交运营中心查询",
            "款项已退回客户账户，已告知原因",
        ),
        "device": (
            "自助设备吞卡",
            "客户在自助终端取款时卡被吞，急需用卡。",
            "当天取回银行卡",
            "核实身份后当场取出银行卡归还",
            "已联系设备厂商工程师",
            "银行卡已归还，设备已检修",
        ),
        "product": (
            "理财产品风险未充分告知",
            "客户称购买理财时未被告知可能亏损，现净值下跌。",
            "要求说明并赔偿损失",
            "调阅双录资料，当面说明产品风险等级",
            "已提交财富管理部与合规部复核",
            "复核完毕，已向客户书面说明并致歉",
        ),
        "other": (
            "网点停车不便",
            "客户反映门前车位被占，无法停车办理业务。",
            "希望网点协调车位",
            "安排保安引导至临近停车场",
            "已与物业沟通",
            "物业已划定客户专用车位",
        ),
    },
    "en": {
        "waiting": (
            "Waited far too long",
            "Took a ticket and waited forty minutes; nobody explained why.",
            "An apology and another window at busy times",
            "Apologised in person; served at the priority window",
            "Lunchtime staffing checked with the operations supervisor",
            "Apologised; lunchtime windows rearranged",
        ),
        "attitude": (
            "Curt teller",
            "Felt the teller was impatient and did not say which documents were needed.",
            "An apology from the teller",
            "Branch head apologised and went through the documents again",
            "Spoke with the teller",
            "The teller apologised; added to service training",
        ),
        "fees": (
            "Disputed card annual fee",
            "Says nobody mentioned an annual fee; 200 was charged.",
            "The fee refunded",
            "Checked and waived the fee on the spot",
            "Refund request sent to the card centre",
            "Card centre refunded the fee",
        ),
        "error": (
            "Transfer arrived late",
            "An interbank transfer has not arrived after two days; worried about the money.",
            "Find out where the money is",
            "Looked it up: in transit, told when it will arrive",
            "Trace requested from the operations centre",
            "The money came back to the account; reason explained",
        ),
        "device": (
            "Machine kept the card",
            "The self-service terminal kept the card during a withdrawal; needs it today.",
            "The card back today",
            "Identity checked, card taken out and handed back",
            "Engineer of the machine's maker called",
            "Card returned; the machine was repaired",
        ),
        "product": (
            "Risks of a wealth product not explained",
            "Says nobody said the product could lose money; its value has fallen.",
            "An explanation and compensation",
            "Recorded sale reviewed; risk level explained in person",
            "Sent to wealth management and compliance for review",
            "Review done; written explanation and apology sent",
        ),
        "other": (
            "No parking at the branch",
            "The spaces in front of the branch were taken; could not park.",
            "Parking for customers",
            "Security guard showed the way to the nearby car park",
            "Raised with the building management",
            "Management marked customer-only spaces",
        ),
    },
}

# What the rest of the synthetic days wrote.
TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "managers": ("王经理", "李经理"),
        "customers": (
            "张先生",
            "王女士",
            "李先生",
            "赵女士",
            "刘先生",
            "陈女士",
            "杨先生",
            "周女士",
        ),
        "owners": ("运营主管刘敏", "客户经理陈晨", "理财经理周洁"),
        "contact": "网点电话 021-5555 0100",
        "extension": "需卡部与合规部共同核查",
        "device_problem": "屏幕无响应，已报修",
        "count_problem": "已向库房申领",
        "check_problem": "需清洁整理",
        "device_fixed": "工程师已修复",
        "count_fixed": "已补足",
        "check_fixed": "已处理",
        "arrival_notes": (
            "张女士，听力不好，请大声说话",
            "王先生，预约取定期存单",
            "李阿姨，需要轮椅",
        ),
        "purposes": ("理财产品到期续作", "大额存单咨询", "企业开户", "房贷提前还款"),
        "who": ("王先生", "赵女士", "孙总"),
        "payroll": "代发工资备付",
        "prefers_counter": "客户希望在柜台办理",
        "fraud_why": "汇给网上认识的“投资导师”，说是充值",
        "follow_up_done": "已回访，客户未转账",
        "handover": (
            "到店 {arrivals} 人，未办理离开 {left} 人；"
            "新投诉 {complaints} 件；事件 {incidents} 起。"
        ),
    },
    "en": {
        "managers": ("Manager Wang", "Manager Li"),
        "customers": ("Mr Zhang", "Ms Wang", "Mr Li", "Ms Zhao", "Mr Liu", "Ms Chen", "Mr Yang"),
        "owners": ("Liu Min (operations)", "Chen Chen (accounts)", "Zhou Jie (wealth)"),
        "contact": "Branch phone 021-5555 0100",
        "extension": "Needs a joint review by the card centre and compliance",
        "device_problem": "screen frozen, engineer called",
        "count_problem": "requested from stores",
        "check_problem": "needs cleaning",
        "device_fixed": "engineer fixed it",
        "count_fixed": "restocked",
        "check_fixed": "done",
        "arrival_notes": (
            "Ms Zhang, hard of hearing: speak up",
            "Mr Wang, collecting a term deposit",
            "Mrs Li needs a wheelchair",
        ),
        "purposes": ("Wealth review: product maturing", "Large deposit", "Company account"),
        "who": ("Wang", "Zhao", "Sun"),
        "payroll": "Payroll withdrawal",
        "prefers_counter": "customer prefers a counter",
        "fraud_why": "to an online 'investment coach', to top up an account",
        "follow_up_done": "Called back; no transfer made",
        "handover": (
            "{arrivals} arrivals, {left} left unserved; {complaints} new complaint(s); "
            "{incidents} incident(s)."
        ),
    },
}

# Per incident type: the note when flagged, and the resolution.
INCIDENTS: dict[str, dict[str, tuple[str, str]]] = {
    "zh": {
        "crowding": ("午间等候区人多，座位不足", "增开窗口后人流疏散"),
        "line_cutting": ("一名客户插队至柜台前", "劝导客户重新取号，已致歉"),
        "noise": ("客户在等候区大声通话", "礼貌提醒后客户离开等候区通话"),
        "suspicious": ("男子在自助区徘徊，多次靠近取款客户", "保安上前询问，男子离开"),
        "pin_peeking": ("有人在客户身后窥视密码", "提醒客户遮挡，保安劝离窥视者"),
        "fraud": ("老年客户欲向陌生账户转账", "客户被劝阻，暂缓转账"),
        "device_fault": ("自助终端 2 号卡纸", "工程师已修复"),
        "medical": ("一位老人等候时头晕", "休息后好转，家属接回"),
        "lost_property": ("等候区拾到钱包一个", "失主凭身份证领回"),
        "threat": ("客户情绪激动并威胁柜员", "经安抚后离开，已报告负责人"),
        "fire": ("消防演练", "演练完成，全员按时撤离"),
        "other": ("门口台阶结冰", "已撒盐并放置提示牌"),
    },
    "en": {
        "crowding": ("Waiting area full at lunchtime", "Another window opened; the queue eased"),
        "line_cutting": ("A customer pushed to the front", "Asked to take a ticket; apologised"),
        "noise": ("Loud phone call in the waiting area", "Asked politely; took the call outside"),
        "suspicious": (
            "Man loitering in self-service, keeps approaching customers",
            "Security spoke to him; he left",
        ),
        "pin_peeking": (
            "Someone watching a PIN being typed",
            "Customer warned; watcher asked to leave",
        ),
        "fraud": ("Elderly customer about to pay a stranger", "Customer convinced; transfer held"),
        "device_fault": ("Self-service terminal 2 paper jam", "Engineer fixed it"),
        "medical": ("Elderly customer dizzy while waiting", "Better after a rest; family came"),
        "lost_property": ("Wallet found in the waiting area", "Owner collected it with ID"),
        "threat": (
            "Customer shouting threats at a teller",
            "Calmed down and left; supervisor told",
        ),
        "fire": ("Fire drill", "Drill done; everyone out in time"),
        "other": ("Ice on the entrance steps", "Salted and a warning sign put up"),
    },
}
