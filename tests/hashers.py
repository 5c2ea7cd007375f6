from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the smallest cost: the suite still checks Argon2 hashes, in milliseconds."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1
