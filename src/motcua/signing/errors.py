"""Why a signature could not be made, in both languages the product speaks.

The caller (the approval service, a view) shows ``message_vi`` to the officer and logs
``reason``; it never sees a stack trace, a file path or a passphrase.
"""

from enum import StrEnum


class Reason(StrEnum):
    # Codes for logs and tests; ruff's S105 mistakes the words "passphrase"/"token" here.
    NO_CREDENTIAL = "no_credential"
    INACTIVE = "inactive"
    FILE_MISSING = "file_missing"
    PASSPHRASE_MISSING = "passphrase_missing"  # noqa: S105
    WRONG_PASSPHRASE = "wrong_passphrase"  # noqa: S105
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    DEMO_OUTSIDE_DEMO = "demo_outside_demo"
    PKCS11_NOT_INSTALLED = "pkcs11_not_installed"
    TOKEN_UNAVAILABLE = "token_unavailable"  # noqa: S105
    SIGNING_FAILED = "signing_failed"


MESSAGES: dict[Reason, tuple[str, str]] = {
    Reason.NO_CREDENTIAL: (
        "Tài khoản của bạn chưa được cấu hình chứng thư số để ký. "
        "Vui lòng liên hệ quản trị hệ thống.",
        "No signing certificate is configured for your account. "
        "Please contact the system administrator.",
    ),
    Reason.INACTIVE: (
        "Chứng thư số ký của bạn đang bị tạm ngừng. Vui lòng liên hệ quản trị hệ thống.",
        "Your signing certificate is disabled. Please contact the system administrator.",
    ),
    Reason.FILE_MISSING: (
        "Không tìm thấy tệp chứng thư số ký trên máy chủ. Vui lòng liên hệ quản trị hệ thống.",
        "The signing certificate file is missing on the server. "
        "Please contact the system administrator.",
    ),
    Reason.PASSPHRASE_MISSING: (
        "Máy chủ chưa được cấu hình mật khẩu của chứng thư số ký. "
        "Vui lòng liên hệ quản trị hệ thống.",
        "The passphrase of the signing certificate is not configured on the server. "
        "Please contact the system administrator.",
    ),
    Reason.WRONG_PASSPHRASE: (
        "Không mở được chứng thư số ký: mật khẩu không đúng hoặc tệp bị hỏng. "
        "Vui lòng liên hệ quản trị hệ thống.",
        "The signing certificate could not be opened: wrong passphrase or damaged file. "
        "Please contact the system administrator.",
    ),
    Reason.NOT_YET_VALID: (
        "Chứng thư số ký của bạn chưa đến thời hạn có hiệu lực.",
        "Your signing certificate is not valid yet.",
    ),
    Reason.EXPIRED: (
        "Chứng thư số ký của bạn đã hết hạn. Vui lòng gia hạn chứng thư số.",
        "Your signing certificate has expired. Please renew it.",
    ),
    Reason.DEMO_OUTSIDE_DEMO: (
        "Chứng thư số thử nghiệm chỉ được dùng ở chế độ trình diễn.",
        "A demo certificate can only be used in demo mode.",
    ),
    Reason.PKCS11_NOT_INSTALLED: (
        "Máy chủ chưa cài thư viện để ký bằng thiết bị ký số (token). "
        "Vui lòng liên hệ quản trị hệ thống.",
        "The server lacks the library for signing with a hardware token (PKCS#11). "
        "Please contact the system administrator.",
    ),
    Reason.TOKEN_UNAVAILABLE: (
        "Không kết nối được thiết bị ký số (token) hoặc mã PIN không đúng.",
        "The signing token could not be reached, or its PIN is wrong.",
    ),
    Reason.SIGNING_FAILED: (
        "Không ký được văn bản do lỗi của thiết bị hoặc khóa ký. "
        "Vui lòng thử lại hoặc liên hệ quản trị hệ thống.",
        "The document could not be signed because of a key or device error. "
        "Please try again or contact the system administrator.",
    ),
}


class SigningUnavailable(Exception):
    """The officer cannot sign now; ``message_vi``/``message_en`` say why, for people."""

    def __init__(self, reason: Reason):
        self.reason = reason
        self.message_vi, self.message_en = MESSAGES[reason]
        super().__init__(self.message_en)
