"""Failures the client can act on.

Each class maps to exactly one error code of the REST contract; the mapping to
HTTP lives in one place (`entrypoints.http.errors`). Messages here are for
developers; `user_message` is safe to show to the person using the app.
"""

from __future__ import annotations

from typing import Any, ClassVar


class PsiError(Exception):
    code: ClassVar[str] = "PSI-SYS-5000"
    status: ClassVar[int] = 500
    default_message: ClassVar[str] = "Unexpected error"
    user_message: ClassVar[str] = "Something went wrong on our side. Please try again."

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details: dict[str, Any] = details
        super().__init__(self.message)


class FieldError:
    __slots__ = ("field", "message")

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class ValidationFailed(PsiError):
    code = "PSI-VAL-1001"
    status = 400
    default_message = "Request validation failed"
    user_message = "Some of the information sent is not valid."

    def __init__(
        self, errors: list[FieldError] | None = None, message: str | None = None, **details: Any
    ) -> None:
        self.errors = errors or []
        super().__init__(message, errors=[e.as_dict() for e in self.errors], **details)

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, message)], message=f"{field}: {message}")


class InvalidToken(PsiError):
    code = "PSI-AUTH-1001"
    status = 401
    default_message = "Missing or invalid bearer token"
    user_message = "Please sign in again."


class InvalidCredentials(PsiError):
    code = "PSI-AUTH-1002"
    status = 401
    default_message = "Invalid credentials"
    user_message = "The email or password you entered is incorrect."


class TokenExpired(PsiError):
    code = "PSI-AUTH-1003"
    status = 401
    default_message = "Token expired"
    user_message = "Your session has expired. Please sign in again."


class TokenRevoked(PsiError):
    code = "PSI-AUTH-1004"
    status = 401
    default_message = "Token revoked"
    user_message = "Your session has ended. Please sign in again."


class EmailAlreadyRegistered(PsiError):
    code = "PSI-AUTH-1005"
    status = 409
    default_message = "Email already registered"
    user_message = "An account with this email already exists."


class AlreadySubscribed(PsiError):
    code = "PSI-PAY-7001"
    status = 409
    default_message = "A paid subscription is already running"
    user_message = "You already have Premium. Manage or cancel it from your subscription."


class Forbidden(PsiError):
    code = "PSI-AUTH-1007"
    status = 403
    default_message = "Not allowed for this account"
    user_message = "Your account does not allow this action."


class BiometricsConsentMissing(PsiError):
    code = "PSI-PRIV-6001"
    status = 403
    default_message = "No consent to process biometric data"
    user_message = "Allow Psi to process your heart data in settings to use this feature."


class FoodPhotoConsentMissing(PsiError):
    code = "PSI-PRIV-6002"
    status = 403
    default_message = "No consent to process food photos"
    user_message = "Allow Psi to process your meal photos in settings to use this feature."


class NotFound(PsiError):
    code = "PSI-RES-3004"
    status = 404
    default_message = "Resource not found"
    user_message = "We couldn't find what you were looking for."


class MethodNotAllowed(PsiError):
    code = "PSI-RES-3005"
    status = 405
    default_message = "Method not allowed"
    user_message = "This action is not supported here."


class UnsupportedImage(PsiError):
    code = "PSI-FOOD-2001"
    status = 415
    default_message = "Upload is not a decodable JPEG or PNG image"
    user_message = "Please upload a JPEG or PNG photo."


class UploadTooLarge(PsiError):
    code = "PSI-FOOD-2002"
    status = 413
    default_message = "Upload larger than the limit"
    user_message = "This photo is too large. Please upload one under 10 MB."


class RequestTooLarge(PsiError):
    code = "PSI-VAL-1013"
    status = 413
    default_message = "Request body too large"
    user_message = "The request is too large."


class UnusableImage(PsiError):
    code = "PSI-FOOD-2005"
    status = 422
    default_message = "Image decodes but cannot be used"
    user_message = "We couldn't use this photo. Please take another one."


class FoodNotRecognised(PsiError):
    """A food name that matches no catalogue food with reasonable confidence: never
    stored with made-up (or empty) nutrition. ``details.suggestions`` lists the closest
    foods, ``[{name, fdc_id, data_type, confidence}]`` (may be empty)."""

    code = "PSI-FOOD-2006"
    status = 422
    default_message = "Food not recognised"
    user_message = "We couldn't find this food. Try another name or pick a suggestion."


class RateLimited(PsiError):
    code = "PSI-RATE-4001"
    status = 429
    default_message = "Rate limit exceeded"
    user_message = "Too many requests. Please wait a moment and try again."

    def __init__(self, retry_after_s: int, message: str | None = None, **details: Any) -> None:
        self.retry_after_s = max(1, int(retry_after_s))
        super().__init__(message, retryable=True, retry_after=self.retry_after_s, **details)


class DailyQuotaExceeded(PsiError):
    code = "PSI-RATE-4002"
    status = 429
    default_message = "Free tier daily analysis limit exceeded"
    user_message = "You've used today's free analyses. Upgrade to Premium for unlimited analyses."

    def __init__(
        self,
        retry_after_s: int,
        limit: int,
        reset_time: str,
        upgrade_url: str,
        message: str | None = None,
    ) -> None:
        self.retry_after_s = max(1, int(retry_after_s))
        super().__init__(
            message, limit=limit, reset_time=reset_time, upgrade_url=upgrade_url, retryable=True
        )


class DependencyUnavailable(PsiError):
    code = "PSI-SYS-5003"
    status = 503
    default_message = "A dependency is unavailable"
    user_message = "Psi is temporarily unavailable. Please try again shortly."

    def __init__(self, dependency: str, message: str | None = None) -> None:
        super().__init__(
            message or f"{dependency} unavailable", dependency=dependency, retryable=True
        )
