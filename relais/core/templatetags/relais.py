from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euros(cents) -> str:
    """Integer cents → French money: 123456 → « 1 234,56 € » (locale-aware separators)."""
    if cents is None or cents == "":
        return ""
    return f"{number_format(int(cents) / 100, decimal_pos=2, force_grouping=True)}\u00a0€"


@register.filter
def quantity(value) -> str:
    """A whole quantity grouped by thousands: 21500 → « 21 500 » (``relais.formats.quantity``)."""
    from relais.formats import quantity as grouped

    return grouped(value)


@register.filter
def iban(value) -> str:
    """A stored IBAN in groups of four: « FR76 3000 6000 0112 3456 7890 189 »."""
    from relais.formats.banking import iban_display

    return iban_display(value)


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (keeps filters on paging)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


def _widget_class(widget) -> str:
    input_type = getattr(widget, "input_type", None)
    if input_type in {"checkbox", "radio"}:
        return "form-check-input"
    if input_type == "select" or widget.__class__.__name__.endswith("Select"):
        return "form-select"
    return "form-control"


@register.simple_tag
def bootstrap_widget(field):
    """Render a bound field's widget with the design system's class and ARIA links."""
    attrs = {"class": _widget_class(field.field.widget)}
    described_by = [
        f"{field.auto_id}_helptext" if field.help_text else "",
        f"{field.auto_id}_error" if field.errors else "",
    ]
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
    if any(described_by):
        attrs["aria-describedby"] = " ".join(item for item in described_by if item)
    return field.as_widget(attrs=attrs)


@register.filter
def tel(number: str) -> str:
    """The number to put in a ``tel:`` link: digits only (a leading + kept)."""
    from relais.core.crisis import phone_digits

    return phone_digits(number or "")


@register.filter
def person(user) -> str:
    """A person as shown to others: first and last name, else the username; "—" for nobody."""
    if user is None or user == "":
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def phone_fr(number: str) -> str:
    """A stored phone (E.164 text) in the national format: "+33612345678" → "06 12 34 56 78";
    text that is not a number is shown as it is."""
    from relais.core.phones import national, parse_phone

    parsed = parse_phone(number or "")
    return national(parsed) if parsed is not None else (number or "")
