"""The client address every rate limit, log line and session record uses."""

import json
import logging

import pytest
from django.test import RequestFactory

from conftest import NGINX, via_nginx
from pikoshi.clientip import client_ip, rate_limit_key


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_address_is_the_connections_own(settings):
    settings.PIKOSHI_TRUSTED_PROXIES = 0
    assert client_ip(request(REMOTE_ADDR="198.51.100.4")) == "198.51.100.4"


def test_without_a_proxy_a_forged_forwarded_header_is_ignored(settings):
    settings.PIKOSHI_TRUSTED_PROXIES = 0
    forged = request(REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(forged) == "198.51.100.4"


def test_behind_nginx_the_address_nginx_appended_is_used(behind_nginx):
    assert client_ip(request(**via_nginx("203.0.113.7"))) == "203.0.113.7"


def test_behind_nginx_a_forged_leading_address_is_ignored(behind_nginx):
    forged = request(**via_nginx("203.0.113.7", forged="10.0.0.1, 192.0.2.55"))
    assert client_ip(forged) == "203.0.113.7"


def test_behind_nginx_a_very_long_forged_header_does_not_hide_the_address(behind_nginx):
    forged = request(**via_nginx("203.0.113.7", forged=", ".join(["192.0.2.55"] * 2000)))
    assert client_ip(forged) == "203.0.113.7"


def test_with_two_proxies_the_address_the_outer_one_saw_is_used(settings):
    settings.PIKOSHI_TRUSTED_PROXIES = 2
    chain = "192.0.2.55, 203.0.113.7, 10.1.2.3"  # forged, seen by the balancer, by nginx
    assert client_ip(request(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=chain)) == "203.0.113.7"


def test_behind_nginx_without_the_header_the_connection_address_is_used(behind_nginx):
    assert client_ip(request(REMOTE_ADDR="198.51.100.4")) == "198.51.100.4"


def test_a_header_shorter_than_the_proxy_chain_uses_its_first_address(settings):
    settings.PIKOSHI_TRUSTED_PROXIES = 2
    short = request(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(short) == "203.0.113.7"


@pytest.mark.parametrize(
    "header",
    ["", ",", "not-an-address", "203.0.113.7<script>", "999.1.1.1", " , , ", "x" * 5000],
)
def test_a_garbage_header_falls_back_to_the_connection_address(behind_nginx, header):
    garbage = request(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(garbage) == NGINX


@pytest.mark.parametrize(
    ("entry", "address"),
    [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("  203.0.113.7  ", "203.0.113.7"),
    ],
)
def test_addresses_are_normalised(behind_nginx, entry, address):
    assert client_ip(request(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=entry)) == address


def test_an_unusable_connection_address_still_gives_a_valid_address(settings):
    settings.PIKOSHI_TRUSTED_PROXIES = 0
    assert client_ip(request(REMOTE_ADDR="")) == "0.0.0.0"  # noqa: S104 - not a bind
    assert client_ip(request(REMOTE_ADDR="unix:/run/gunicorn.sock")) == "0.0.0.0"  # noqa: S104


def test_the_request_log_names_the_client_address(client, db, behind_nginx, caplog):
    with caplog.at_level(logging.INFO, logger="pikoshi.requests"):
        client.get("/healthz", **via_nginx("203.0.113.7", forged="192.0.2.55"))
    line = json.loads(caplog.records[-1].getMessage())
    assert line["ip"] == "203.0.113.7"


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("0.0.0.0", "0.0.0.0"),  # noqa: S104 - an address value
    ],
)
def test_rate_limits_count_an_ipv6_network_as_one_visitor(address, key):
    assert rate_limit_key(address) == key
