from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from motcua.signing.demo import Outcome, ensure_demo_pki

OUTCOME_VI = {
    Outcome.CREATED: "tạo mới / created",
    Outcome.RENEWED: "cấp lại / reissued",
    Outcome.UNCHANGED: "giữ nguyên / unchanged",
    Outcome.KEPT_REAL: "chứng thư thật, không đổi / real credential kept",
}


class Command(BaseCommand):
    help = (
        "Create the demo certificate authority and the demo signing certificates of leaders "
        "and heads of department (demo mode only; a second run changes nothing)."
    )

    def handle(self, *args, **options):
        try:
            result = ensure_demo_pki()
        except ImproperlyConfigured as error:
            raise CommandError(f"chỉ dùng ở chế độ trình diễn / {error}") from error
        state = "tạo mới / created" if result.ca_created else "đã có / present"
        self.stdout.write(f"CA thử nghiệm / demo CA ({state}): {result.ca_path}")
        for signer in result.signers:
            self.stdout.write(
                f"  {signer.username:<12} {signer.full_name} — {signer.agency}: "
                f"{OUTCOME_VI[signer.outcome]}"
            )
