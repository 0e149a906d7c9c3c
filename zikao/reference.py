"""Reference data shipped with the portal (copied from shared/data)."""

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


PROVINCE_CODES = {row["code"]: row["name"] for row in _read("province-codes.csv")}


@cache
def shanxi_divisions():
    """Rows of (code, name, level, parent_code) for the 11 cities and 122 counties."""
    return _read("shanxi-divisions.csv")


# The 56 ethnic groups, in the order of GB 3304.
ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]


OFFICE_HOURS = "周一至周五 8:30-12:00，14:30-17:30（法定节假日除外）"


def load_divisions(City, County, RegistrationPoint):
    """Create the cities, counties and one registration point per county if missing.

    Takes the model classes so the data migration can pass its historical ones.
    Idempotent: existing rows (and officers' edits to points) are kept.
    """
    rows = shanxi_divisions()
    if City.objects.count() == sum(r["level"] == "city" for r in rows) and County.objects.count() == sum(
        r["level"] == "county" for r in rows
    ) and RegistrationPoint.objects.count() >= County.objects.count():
        return
    cities = {}
    for row in rows:
        if row["level"] == "city":
            cities[row["code"]], _ = City.objects.get_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in rows:
        if row["level"] != "county":
            continue
        city = cities[row["parent_code"]]
        county, _ = County.objects.get_or_create(code=row["code"], defaults={"name": row["name"], "city": city})
        RegistrationPoint.objects.get_or_create(
            county=county,
            defaults={
                "name": f"{city.name}{county.name}招生考试办公室",
                "address": f"{city.name}{county.name}教育局招生考试办公室",
                "office_hours": OFFICE_HOURS,
            },
        )
