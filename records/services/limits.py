"""Brute-force limits for the guesses of anonymous callers (passwords at login, identities at
activation and refusal). A guessed target (an identifier, a birth date) gets growing delays,
never a lock; the fixed-window limits are per client address, alone and with that target, so
an attacker slows themselves down, not the person they aim at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from records.security import GrowingDelay, RateLimiter
from records.settings import Settings


@dataclass
class Guard:
    """Limits of one kind of guess (`login`, `identity`) on one target from one client."""

    session: Session
    settings: Settings
    kind: str
    target: str
    client_key: str

    def _delay(self) -> GrowingDelay:
        s = self.settings
        return GrowingDelay(
            self.session,
            s.failure_delay_free_failures,
            s.failure_delay_base_seconds,
            s.failure_delay_max_seconds,
            s.failure_delay_reset_seconds,
        )

    def _windows(self) -> dict[str, int]:
        s = self.settings
        per_target, per_client = {
            "login": (s.login_failures_per_target, s.login_failures_per_client),
            "identity": (s.identity_failures_per_target, s.identity_failures_per_client),
        }[self.kind]
        return {
            f"{self.kind}:client:{self.client_key}": per_client,
            f"{self.kind}:pair:{self.client_key}|{self.target}": per_target,
        }

    @property
    def _delay_key(self) -> str:
        return f"{self.kind}:delay:{self.target}"

    def check(self, now: datetime) -> None:
        """Refuse (429 `too_many_attempts`, `Retry-After`) while a limit holds."""
        RateLimiter(self.session, self.settings.rate_window_seconds).check(self._windows(), now)
        self._delay().check(self._delay_key, now)

    def failed(self, now: datetime) -> None:
        """Count one failure; the caller commits before raising its error."""
        RateLimiter(self.session, self.settings.rate_window_seconds).hit(self._windows(), now)
        self._delay().hit(self._delay_key, now)

    def succeeded(self) -> None:
        """The right secret: the target's delay starts again from zero."""
        self._delay().clear(self._delay_key)
