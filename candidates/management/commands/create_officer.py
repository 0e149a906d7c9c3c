import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from candidates.models import OfficerScope
from candidates.services import AccountError, create_officer
from exams.models import Institution
from zikao.audit import operator_label
from zikao.models import City, County

PASSWORD_ENV = "OFFICER_PASSWORD"  # noqa: S105 — the variable name, not a password


class Command(BaseCommand):
    help = "创建招考办工作人员账号（县区、地市、全省或主考院校），并授予该级别的管理权限。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--county", metavar="CODE", help="县区代码（6位），如 140105")
        scope.add_argument("--city", metavar="CODE", help="地市代码（4位），如 1401")
        scope.add_argument("--province", action="store_true", help="省招考中心")
        scope.add_argument("--institution", metavar="CODE", help="主考院校代码（5位），如 10108（山西大学）")

    def handle(self, *args, username, county, city, province, institution=None, **options):
        county_obj = city_obj = institution_obj = None
        if county:
            county_obj = County.objects.filter(code=county).first()
            if county_obj is None:
                raise CommandError(f"没有代码为 {county} 的区县。")
            level = OfficerScope.Level.COUNTY
        elif city:
            city_obj = City.objects.filter(code=city).first()
            if city_obj is None:
                raise CommandError(f"没有代码为 {city} 的地市。")
            level = OfficerScope.Level.CITY
        elif institution:
            institution_obj = Institution.objects.filter(code=institution).first()
            if institution_obj is None:
                raise CommandError(f"没有代码为 {institution} 的主考院校。")
            level = OfficerScope.Level.INSTITUTION
        else:
            level = OfficerScope.Level.PROVINCE

        password = os.environ.get(PASSWORD_ENV) or self._ask_password()
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("密码不符合要求：" + " ".join(error.messages)) from None
        try:
            user = create_officer(
                username=username, password=password, level=level, county=county_obj, city=city_obj,
                institution=institution_obj,
                actor_label=operator_label(),
            )
        except AccountError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"已创建工作人员 {user.username}：{user.officer_scope}"))

    def _ask_password(self):
        if not os.isatty(0):
            raise CommandError(f"请在交互终端中运行，或通过环境变量 {PASSWORD_ENV} 提供密码。")
        first = getpass.getpass("密码：")
        if first != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致。")
        return first
