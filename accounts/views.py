from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse


def confirm_email_code(request):
    """Let a person paste the code from the verification email instead of clicking the link.

    The code is the same key the link carries, so allauth's own confirmation page does the
    verifying; this page only takes the code and forwards to it.
    """
    code = request.GET.get("code", "").strip()
    error = ""
    if code:
        try:
            return HttpResponseRedirect(reverse("account_confirm_email", args=[code]))
        except NoReverseMatch:
            error = "That code is not valid. Copy it again from the email, without spaces."
    return render(request, "account/confirm_email_code.html", {"code": code, "error": error})
