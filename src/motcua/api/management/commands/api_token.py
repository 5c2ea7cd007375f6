"""``motcua api-token create USERNAME NAME | list [USERNAME] | revoke ID``.

The token is printed once, at creation; only its hash is stored, so a lost token is
revoked and replaced, never recovered.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.api.models import ApiToken
from motcua.api.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("name", help="what the token is for, e.g. 'dong bo cong DVC'")
        listing = actions.add_parser("list", help="list tokens (never the secrets)")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action: str, **options):
        if action == "create":
            self._create(options["username"], options["name"])
        elif action == "list":
            self._list(options.get("username"))
        else:
            self._revoke(options["id"])

    def _create(self, username: str, name: str) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                f"không có người dùng đang hoạt động “{username}” / no active user '{username}'",
                returncode=2,
            )
        if not name.strip():
            raise CommandError("cần đặt tên cho mã / the token needs a name", returncode=2)
        issued = api_token_create(user=user, name=name)
        self.stderr.write(
            f"Mã #{issued.token.pk} cho {username}: chỉ hiển thị một lần, hãy lưu lại ngay. / "
            f"Token #{issued.token.pk} for {username}: shown once, store it now."
        )
        # The secret alone on stdout, so `motcua api-token create … > file` captures it.
        self.stdout.write(issued.secret)

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "pk")
        if username:
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            used = (
                timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M")
                if token.last_used_at
                else "-"
            )
            status = "revoked" if token.revoked else "active"
            self.stdout.write(
                f"{token.pk}\t{token.user.username}\t{token.prefix}…\t{status}\t"
                f"last used {used}\t{token.name}"
            )

    def _revoke(self, pk: int) -> None:
        token = ApiToken.objects.filter(pk=pk).first()
        if token is None:
            raise CommandError(f"không có mã #{pk} / no token #{pk}", returncode=2)
        api_token_revoke(token=token)
        self.stdout.write(f"Đã thu hồi mã #{pk} / token #{pk} revoked")
