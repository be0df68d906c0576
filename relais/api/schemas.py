"""Error bodies shared by every domain's API."""

from ninja import Field, Schema


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict] = Field(description="One entry per invalid parameter.")


ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}
