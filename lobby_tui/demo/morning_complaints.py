"""The demo lobby's complaints and enquiries (R4): one in every state, one overdue, one due
soon, one callback due, written through the same services as real work, at their times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from lobby_tui.domain.complaints import Intake
from lobby_tui.domain.day import at_local
from lobby_tui.domain.settings import Settings
from lobby_tui.store import FixedClock, Store

TEXT = {
    "zh": {
        "fee": "对账单上多扣了两笔年费，打了三次客服电话都没解决。",
        "fee_subject": "年费重复扣收",
        "fee_wants": "退还多扣的年费并书面说明",
        "fee_note": "运营部已调取扣费记录，等待卡中心核实",
        "card": "ATM 吞卡，在自助区等了二十分钟才有人来。",
        "card_subject": "2 号 ATM 吞卡",
        "card_done": "核对身份证后当场取回银行卡",
        "rude": "柜员办理业务时态度生硬，不耐烦。",
        "rude_done": "当面致歉，由主管重新办理",
        "product": "买理财时说保本，到期收益比宣传的低很多。",
        "product_subject": "理财收益与宣传不符",
        "product_wants": "说明销售过程，补偿差额",
        "extend_by": "支行行长 刘",
        "extend_why": "需调取双录视频并由合规部复核",
        "transfer": "跨行转账显示成功，对方两天没到账。",
        "transfer_subject": "跨行转账未到账",
        "transfer_done": "清算中心确认已退回，已重新汇出",
        "wait": "取号后等了四十分钟，中途没有人解释。",
        "wait_subject": "等候时间过长",
        "wait_done": "致歉并引导至自助机办理，两分钟完成",
        "today": "排队一个小时，窗口只开两个，老人站着没座位。",
        "today_subject": "高峰只开两个窗口",
        "today_wants": "高峰多开窗口，给老人安排座位",
        "owner": "李经理（运营部）",
        "owner_wealth": "陈经理（财富管理部）",
        "contact": "网点服务台 0571-8888 1234",
        "names": ("张女士", "赵先生", "孙女士", "周先生", "吴女士", "郑先生", "冯女士"),
    },
    "en": {
        "fee": (
            "Two annual fees taken twice on my statement; three calls to the hotline fixed nothing."
        ),
        "fee_subject": "Annual fee charged twice",
        "fee_wants": "The extra fee back and a letter explaining it",
        "fee_note": "Operations pulled the charge records; waiting for the card centre",
        "card": "The ATM kept my card and nobody came for twenty minutes.",
        "card_subject": "Card retained by ATM 2",
        "card_done": "Card returned on the spot after an ID check",
        "rude": "The teller was curt and impatient with me.",
        "rude_done": "Apologised in person; the supervisor served the customer",
        "product": (
            "I was told the product was capital-protected; the return is far below what was"
            " advertised."
        ),
        "product_subject": "Wealth product return below the promise",
        "product_wants": "An account of the sale, and the difference made good",
        "extend_by": "Branch head Liu",
        "extend_why": "Needs the sales recording and a compliance review",
        "transfer": "An interbank transfer shows as sent but has not arrived in two days.",
        "transfer_subject": "Interbank transfer not received",
        "transfer_done": "Clearing confirmed the return; sent again",
        "wait": "Forty minutes after taking a ticket and nobody said why.",
        "wait_subject": "Waited too long",
        "wait_done": "Apologised and took the customer to a machine: done in two minutes",
        "today": "An hour in the queue, two counters open, elderly customers standing.",
        "today_subject": "Two counters at the peak",
        "today_wants": "More counters at the peak, seats for the elderly",
        "owner": "Manager Li (operations)",
        "owner_wealth": "Manager Chen (wealth)",
        "contact": "Branch desk 0571-8888 1234",
        "names": ("Ms Zhang", "Mr Zhao", "Ms Sun", "Mr Zhou", "Ms Wu", "Mr Zheng", "Ms Feng"),
    },
}
PHONES = ("13900001234", "13700004321", "13600005678", "13500008765", "13800002468",
          "13300001357", "15900009753")  # fmt: skip


def write_past_complaints(
    store: Store, settings: Settings, day: date, clock: FixedClock, lang: str
) -> None:
    """Complaints received on earlier days, each moved along as it was then."""
    from lobby_tui.content import complaint_catalogue
    from lobby_tui.services import complaints as service

    text = TEXT[lang]
    names = text["names"]
    catalogue = complaint_catalogue()
    zone = settings.timezone

    def at(days_ago: int, hour: int, minute: int) -> datetime:
        when = at_local(day - timedelta(days=days_ago), time(hour, minute), zone)
        clock.set(when)
        return when

    def take(n: int, received: datetime, **fields: object) -> str:
        intake = Intake(
            received_at=received,
            name=str(names[n]),
            phone=PHONES[n],
            empathy=("listened", "acknowledged", "apologised"),
            **fields,  # type: ignore[arg-type]
        )
        complaint_id, _case = service.take_complaint(
            store, settings, catalogue, intake, shift_id=None
        )
        return complaint_id

    # Overdue: a letter about fees, escalated, its promise and the regulator's clock passed.
    received = at(17, 14, 10)
    fee = take(
        0,
        received,
        via="letter",
        category="fees",
        severity="high",
        responsibility="back_office",
        subject=str(text["fee_subject"]),
        description=str(text["fee"]),
        wants=str(text["fee_wants"]),
        outcome="escalated",
        departments=("operations", "cards"),
        owner=str(text["owner"]),
        promised_by=received + timedelta(days=10),
        contact_given=str(text["contact"]),
    )
    at(12, 10, 0)
    service.add_note(store, fee, str(text["fee_note"]))
    # Due soon, extended with its approver: mis-selling needs the recording reviewed.
    received = at(12, 15, 30)
    product = take(
        1,
        received,
        via="in_person",
        category="product",
        severity="critical",
        responsibility="product_department",
        subject=str(text["product_subject"]),
        description=str(text["product"]),
        wants=str(text["product_wants"]),
        outcome="escalated",
        departments=("wealth", "compliance"),
        owner=str(text["owner_wealth"]),
        promised_by=received + timedelta(days=14),
        contact_given=str(text["contact"]),
    )
    at(11, 9, 20)
    service.extend(
        store, product, str(text["extend_by"]), str(text["extend_why"]), told_how="phone"
    )
    # Closed: solved on the spot, called back, satisfied.
    rude = take(
        2,
        at(8, 11, 5),
        via="in_person",
        category="staff_attitude",
        severity="medium",
        responsibility="counter",
        description=str(text["rude"]),
        outcome="on_spot",
        action_taken=str(text["rude_done"]),
    )
    at(5, 16, 0)
    service.record_callback(store, rude, reached=True, solved=True, satisfaction=4)
    at(4, 9, 10)
    service.set_status(store, settings, rude, "closed", root_cause="staff_conduct")
    # Callback due: a retained card handed back on the spot six days ago.
    take(
        3,
        at(6, 11, 20),
        via="in_person",
        category="device_fault",
        severity="medium",
        responsibility="it",
        subject=str(text["card_subject"]),
        description=str(text["card"]),
        outcome="on_spot",
        action_taken=str(text["card_done"]),
    )
    # Resolved, awaiting its callback: escalated, then fixed yesterday.
    transfer = take(
        4,
        at(3, 10, 45),
        via="phone",
        category="transaction_error",
        severity="high",
        responsibility="third_party",
        subject=str(text["transfer_subject"]),
        description=str(text["transfer"]),
        outcome="escalated",
        departments=("operations",),
        owner=str(text["owner"]),
        promised_by=at(3, 10, 45) + timedelta(days=3),
        contact_given=str(text["contact"]),
    )
    at(1, 15, 40)
    service.set_status(store, settings, transfer, "resolved", str(text["transfer_done"]))
    # The mis-selling case's customer was told yesterday how it stands (R4.4): not due again
    # for five days. The overdue fee case's customer was not: its update is overdue too.
    at(1, 16, 10)
    service.progress_update(store, product, "phone")


def today_complaint_actions(
    store: Store, settings: Settings, day: date, shift_id: str, lang: str
) -> list[tuple[datetime, Callable[[], object]]]:
    """This morning: enquiries answered, a complaint taken down, a callback not reached."""
    from lobby_tui.content import complaint_catalogue, faq
    from lobby_tui.services import complaints as service
    from lobby_tui.services.enquiries import log_enquiry

    text = TEXT[lang]
    names = text["names"]
    zone = settings.timezone
    topics = [a.topic.text(lang) for a in faq().answer]

    def at(hour: int, minute: int) -> datetime:
        return at_local(day, time(hour, minute), zone)

    def enquiry(topic: str) -> Callable[[], object]:
        return lambda: log_enquiry(store, day=day, shift_id=shift_id, topic=topic) and None

    def walk_in(**fields: object) -> Callable[[], object]:
        """A complaint about waiting, taken down on the floor when its time comes."""

        def take() -> None:
            intake = Intake(
                received_at=store.clock.now(),
                via="in_person",
                category="waiting_time",
                **fields,  # type: ignore[arg-type]
            )
            service.take_complaint(
                store, settings, complaint_catalogue(), intake, shift_id=shift_id
            )

        return take

    waited = walk_in(
        severity="medium",
        responsibility="counter",
        name=str(names[5]),
        phone=PHONES[5],
        subject=str(text["wait_subject"]),
        description=str(text["wait"]),
        empathy=("listened", "apologised"),
        outcome="on_spot",
        action_taken=str(text["wait_done"]),
    )
    peak = walk_in(
        severity="high",
        responsibility="unknown",
        name=str(names[6]),
        subject=str(text["today_subject"]),
        description=str(text["today"]),
        wants=str(text["today_wants"]),
        empathy=("listened", "acknowledged", "apologised"),
    )

    return [
        (at(9, 8), enquiry(topics[0])),
        (at(9, 21), enquiry(topics[2])),
        (at(9, 34), enquiry(topics[3])),
        (at(9, 44), waited),
        (at(9, 50), enquiry(topics[7])),
        (at(10, 2), enquiry(topics[1])),
        (at(10, 15), enquiry(topics[9])),
        (at(10, 21), peak),
    ]
