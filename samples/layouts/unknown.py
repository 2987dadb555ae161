"""Pages that are none of the known types: a notice, or a receipt-like table."""

from __future__ import annotations

import random

from samples.layouts.blocks import Built
from samples.page import RED, Composer

NOTICE_SENTENCES = (
    "为进一步加强计量监督管理，保障国家计量单位制的统一和量值的准确可靠，现将有关事项通知如下。",
    "各单位应当按照规定的周期将强制检定的工作计量器具送交法定计量检定机构检定。",
    "请于每月二十五日前报送本月工作情况，逾期未报送的将予以通报。",
    "对检查中发现的问题，相关单位应立即整改，并将整改情况书面报告。",
    "本通知自印发之日起施行，未尽事宜另行通知。",
    "各区县要高度重视，明确专人负责，确保各项工作按时完成。",
    "加强对集贸市场、加油站等重点领域的计量监督检查，维护公平交易秩序。",
)


def unknown(fmt: str, rng: random.Random, font: str) -> Built:
    """Pages that are none of the known types: a notice, or a receipt-like table."""
    if fmt == "notice":
        c = Composer(210.0, 297.0, font, "unknown/notice")
        c.text(
            105,
            30,
            rng.choice(
                [
                    "关于开展计量器具专项监督检查的通知",
                    "关于做好年度计量工作总结的通知",
                    "关于组织参加计量技术培训的通知",
                ]
            ),
            6.5,
            bold=True,
            anchor="c",
        )
        c.text(105, 42, f"示范区计{rng.randint(2020, 2025)}〔{rng.randint(1, 60)}〕号", 3.8, anchor="c")
        y = 56.0
        c.text(22, y, "各有关单位：", 4.2)
        y += 9
        for _ in range(rng.randint(4, 7)):
            for i, ln in enumerate(c.wrap(rng.choice(NOTICE_SENTENCES), 4.2, 160)):
                c.text(22 + (8.4 if i == 0 else 0), y, ln, 4.2)
                y += 7.5
            y += 2
        c.text(180, y + 20, "长三角生态绿色一体化发展示范区执行委员会", 4.2, anchor="r")
        c.text(160, y + 29, "2025年4月27日", 4.2, anchor="r")
        c.seal(140, y + 23, 19, "示范区执行委员会", seed=rng.randint(0, 999))
        return Built(c.page, "unknown", {})
    c = Composer(210.0, 140.0, font, "unknown/receipt")
    c.text(105, 14, rng.choice(["收款收据", "检定费用结算单", "增值税普通发票（样张）"]), 7.0, bold=True, anchor="c")
    c.text(20, 28, f"No. {rng.randint(10_000_000, 99_999_999)}", 3.8, color=RED)
    c.text(190, 28, f"开票日期：2025年{rng.randint(1, 5)}月{rng.randint(1, 28)}日", 3.8, anchor="r")
    cols = [20.0, 90.0, 120.0, 150.0, 190.0]
    y = 36.0
    for i, h in enumerate(["项目", "数量", "单价（元）", "金额（元）"]):
        c.rect(cols[i], y, cols[i + 1], y + 9, width=0.3, fill=(240, 240, 240))
        c.text((cols[i] + cols[i + 1]) / 2, y + 2.5, h, 3.8, anchor="c")
    total = 0
    for _ in range(rng.randint(2, 5)):
        y += 9
        qty, price = rng.randint(1, 20), rng.choice([30, 45, 60, 80, 120, 200])
        total += qty * price
        for i, v in enumerate(
            [
                rng.choice(["压力表检定费", "衡器检定费", "加油机检定费", "温度计校准费", "水表检定费"]),
                str(qty),
                f"{price:.2f}",
                f"{qty * price:.2f}",
            ]
        ):
            c.rect(cols[i], y, cols[i + 1], y + 9, width=0.3)
            c.text((cols[i] + cols[i + 1]) / 2, y + 2.5, v, 3.8, anchor="c")
    y += 9
    c.rect(cols[0], y, cols[-1], y + 9, width=0.3)
    c.text(cols[0] + 3, y + 2.5, f"合计：¥{total:.2f}", 3.8)
    c.text(150, y + 18, "收款单位（盖章）", 3.8)
    c.seal(
        165,
        y + 20,
        15,
        rng.choice(["苏州太湖校准技术有限公司", "嘉兴南湖校准技术有限公司"]),
        bottom="财务专用章",
        seed=rng.randint(0, 999),
    )
    return Built(c.page, "unknown", {})
