"""What each certificate prints: its fields (labels drawn per document, English for bilingual layouts) and
the truth they make, and its titles."""

from __future__ import annotations

import random

from samples.layouts.blocks import FieldSpec, Truth
from samples.people import Certificate, Person
from samples.textfmt import Writer

EN = {
    "name": "Name",
    "gender": "Sex",
    "id_number": "ID No.",
    "cert_number": "Certificate No.",
    "level": "Level",
    "categories": "Category",
    "employer": "Employer",
    "valid": "Validity",
    "valid_until": "Valid until",
    "valid_from": "Date of registration",
    "issuing_authority": "Issued by",
    "items": "Items",
    "issue_date": "Date of issue",
}


def registration_specs(
    p: Person, cert: Certificate, w: Writer, rng: random.Random, authority_in_fields: bool
) -> tuple[list[FieldSpec], Truth]:
    truth: Truth = {
        "name": p.name,
        "gender": p.gender,
        "id_number": p.id_number,
        "cert_number": cert.cert_number,
        "level": cert.level,
        "categories": list(cert.categories),
        "employer": cert.employer,
    }
    L = w.label
    specs = [
        FieldSpec("name", L("姓名"), p.name, english=EN["name"]),
        FieldSpec("gender", L("性别"), p.gender, english=EN["gender"]),
        FieldSpec(
            "id_number",
            rng.choice(["身份证号", "身份证号码", "公民身份号码", "身份证件号码"]),
            p.id_number,
            english=EN["id_number"],
        ),
        FieldSpec(
            "cert_number",
            rng.choice(["注册证编号", "证书编号", "编号", "证号", "注册编号"]),
            cert.cert_number,
            english=EN["cert_number"],
        ),
        FieldSpec(
            "level", rng.choice([L("级别"), "注册级别", "资格级别"]), w.level(cert.level or 2), english=EN["level"]
        ),
        FieldSpec(
            "categories",
            rng.choice(["执业类别", "注册专业", "专业类别"]),
            w.join(cert.categories),
            english=EN["categories"],
        ),
        FieldSpec(
            "employer",
            rng.choice(["工作单位", "执业单位", "聘用单位", "注册单位"]),
            cert.employer,
            wide=True,
            english=EN["employer"],
        ),
    ]
    assert cert.valid_from and cert.valid_until
    mode = rng.choice(["range", "range", "two", "until"])
    if mode == "range":
        specs.append(
            FieldSpec(
                "valid",
                rng.choice(["有效期", "注册有效期", "有效期限"]),
                w.range(cert.valid_from, cert.valid_until),
                wide=True,
                english=EN["valid"],
            )
        )
        truth |= {"valid_from": cert.valid_from.isoformat(), "valid_until": cert.valid_until.isoformat()}
    elif mode == "two":
        specs.append(
            FieldSpec(
                "valid_from", rng.choice(["注册日期", "生效日期"]), w.date(cert.valid_from), english=EN["valid_from"]
            )
        )
        specs.append(
            FieldSpec(
                "valid_until",
                rng.choice(["有效期至", "有效期限至"]),
                w.date(cert.valid_until),
                english=EN["valid_until"],
            )
        )
        truth |= {"valid_from": cert.valid_from.isoformat(), "valid_until": cert.valid_until.isoformat()}
    else:
        specs.append(FieldSpec("valid_until", "有效期至", w.date(cert.valid_until), english=EN["valid_until"]))
        truth["valid_until"] = cert.valid_until.isoformat()
    if authority_in_fields:
        specs.append(
            FieldSpec(
                "issuing_authority",
                rng.choice(["发证机关", "发证机构", "签发机关"]),
                cert.issuing_authority,
                wide=True,
                english=EN["issuing_authority"],
            )
        )
    truth["issuing_authority"] = cert.issuing_authority
    return specs, truth


def _items_value(cert: Certificate, w: Writer, rng: random.Random) -> str | list[str]:
    style = rng.choice(["joined", "joined", "numbered", "lines"])
    if style == "joined" or len(cert.items) == 1:
        return w.join(cert.items)
    if style == "numbered":
        fmt = rng.choice(["{i}.{v}", "{i}、{v}", "（{i}）{v}"])
        return [fmt.format(i=i, v=v) for i, v in enumerate(cert.items, 1)]
    return list(cert.items)


def assessment_specs(
    p: Person, cert: Certificate, w: Writer, rng: random.Random, authority_in_fields: bool, items_in_fields: bool
) -> tuple[list[FieldSpec], Truth]:
    assert cert.valid_from and cert.valid_until
    truth: Truth = {
        "name": p.name,
        "id_number": p.id_number,
        "cert_number": cert.cert_number,
        "items": list(cert.items),
        "issuing_authority": cert.issuing_authority,
        "issue_date": cert.valid_from.isoformat(),
        "valid_until": cert.valid_until.isoformat(),
    }
    L = w.label
    specs = [
        FieldSpec("name", L("姓名"), p.name, english=EN["name"]),
        FieldSpec(
            "cert_number",
            rng.choice(["证书编号", "编号", "证号", "合格证编号"]),
            cert.cert_number,
            english=EN["cert_number"],
        ),
        FieldSpec(
            "id_number", rng.choice(["身份证号", "身份证号码", "公民身份号码"]), p.id_number, english=EN["id_number"]
        ),
    ]
    if items_in_fields:
        specs.append(
            FieldSpec(
                "items",
                rng.choice(["考核项目", "检定项目", "项目名称", "考核合格项目"]),
                _items_value(cert, w, rng),
                wide=True,
                english=EN["items"],
            )
        )
    if authority_in_fields:
        specs.append(
            FieldSpec(
                "issuing_authority",
                rng.choice(["发证机关", "发证机构", "签发机关"]),
                cert.issuing_authority,
                wide=True,
                english=EN["issuing_authority"],
            )
        )
    specs.append(
        FieldSpec(
            "issue_date",
            rng.choice(["批准日期", "发证日期", "签发日期"]),
            w.date(cert.valid_from),
            english=EN["issue_date"],
        )
    )
    specs.append(
        FieldSpec(
            "valid_until", rng.choice(["有效期至", "有效期"]), w.date(cert.valid_until), english=EN["valid_until"]
        )
    )
    return specs, truth


def verifier_specs(
    p: Person, cert: Certificate, w: Writer, rng: random.Random, authority_in_fields: bool, items_in_fields: bool
) -> tuple[list[FieldSpec], Truth]:
    assert cert.valid_until
    truth: Truth = {
        "name": p.name,
        "cert_number": cert.cert_number,
        "items": list(cert.items),
        "issuing_authority": cert.issuing_authority,
        "valid_until": cert.valid_until.isoformat(),
        "employer": cert.employer,
    }
    L = w.label
    specs = [
        FieldSpec("name", L("姓名"), p.name, english=EN["name"]),
        FieldSpec(
            "cert_number",
            rng.choice(["证号", "证书编号", "检定员证号", "编号"]),
            cert.cert_number,
            english=EN["cert_number"],
        ),
    ]
    if cert.shows_id_number:
        specs.append(
            FieldSpec("id_number", rng.choice(["身份证号", "身份证号码"]), p.id_number, english=EN["id_number"])
        )
        truth["id_number"] = p.id_number
    specs.append(
        FieldSpec(
            "employer", rng.choice(["工作单位", "单位", "所在单位"]), cert.employer, wide=True, english=EN["employer"]
        )
    )
    if items_in_fields:
        specs.append(
            FieldSpec(
                "items",
                rng.choice(["检定项目", "核准项目", "项目名称", "准予检定项目"]),
                _items_value(cert, w, rng),
                wide=True,
                english=EN["items"],
            )
        )
    specs.append(
        FieldSpec(
            "valid_until", rng.choice(["有效期至", "有效期"]), w.date(cert.valid_until), english=EN["valid_until"]
        )
    )
    if authority_in_fields:
        specs.append(
            FieldSpec(
                "issuing_authority",
                rng.choice(["发证机关", "发证单位", "签发机关"]),
                cert.issuing_authority,
                wide=True,
                english=EN["issuing_authority"],
            )
        )
    return specs, truth


TITLES = {
    "registration_certificate": ("中华人民共和国", "注册计量师注册证"),
    "assessment_certificate": ("", "计量专业项目考核合格证"),
    "verifier_certificate": ("", "计量检定员证"),
}
