"""Load Shanxi's 11 cities and 122 county-level units (GB/T 2260) and one
registration point per county; officers complete the points' details in admin."""

from django.db import migrations

OFFICE_HOURS = "周一至周五 8:30-12:00，14:30-17:30（法定节假日除外）"


def load(apps, schema_editor):
    from zikao.reference import shanxi_divisions

    City = apps.get_model("zikao", "City")
    County = apps.get_model("zikao", "County")
    RegistrationPoint = apps.get_model("zikao", "RegistrationPoint")
    rows = shanxi_divisions()
    cities = {}
    for row in rows:
        if row["level"] == "city":
            cities[row["code"]], _ = City.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in rows:
        if row["level"] != "county":
            continue
        city = cities[row["parent_code"]]
        county, _ = County.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "city": city})
        RegistrationPoint.objects.get_or_create(
            county=county,
            defaults={
                "name": f"{city.name}{county.name}招生考试办公室",
                "address": f"{city.name}{county.name}教育局招生考试办公室",
                "office_hours": OFFICE_HOURS,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("zikao", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
