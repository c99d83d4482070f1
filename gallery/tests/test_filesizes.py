"""The one file-size formatter: decimal for what a photo weighs, binary MB for upload limits."""

import pytest

from gallery.filesizes import format_size


@pytest.mark.parametrize(
    ("num_bytes", "text"),
    [
        (None, "0 bytes"),
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1536, "1.5 KB"),
        (2_500_000, "2.5 MB"),
        (52_428_800, "52.4 MB"),
        (3_000_000_000_000, "3000.0 GB"),
    ],
)
def test_sizes_read_in_decimal_units_like_file_managers(num_bytes, text):
    assert format_size(num_bytes) == text


def test_upload_limits_read_in_the_binary_megabytes_they_are_set_in():
    assert format_size(50 * 1024 * 1024, unit="MB", base=1024) == "50.0 MB"
    assert format_size(100_000, unit="MB", base=1024) == "0.1 MB"


def test_an_unknown_unit_is_a_programming_error():
    with pytest.raises(ValueError, match="TB"):
        format_size(1, unit="TB")
