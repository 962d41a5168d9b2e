"""No full NAM, password or token reaches a log line."""

from __future__ import annotations

import logging

from pme.core.logging import MaskPersonalInformation, mask_text


def test_mask_text_hides_nams_and_secrets():
    text = (
        'lookup TREM 8503 1512 and trem85031512 password=hunter2-long token: "abc.def" temporary_password=Xy9'
    )
    masked = mask_text(text)
    assert "8503" not in masked
    assert "hunter2" not in masked
    assert "abc.def" not in masked
    assert "Xy9" not in masked
    assert "TREM ···· ··12" in masked


def test_filter_masks_formatted_arguments_in_real_log_records(caplog):
    logger = logging.getLogger("pme.test.mask")
    logger.addFilter(MaskPersonalInformation())
    try:
        with caplog.at_level(logging.INFO, logger="pme.test.mask"):
            logger.info("search for %s by %s", "GAGL 9001 0101", "user password=s3cret-value")
    finally:
        logger.filters.clear()
    assert "GAGL ···· ··01" in caplog.text
    assert "9001" not in caplog.text
    assert "s3cret-value" not in caplog.text


def test_the_project_logging_configuration_installs_the_filter():
    root_handlers = logging.getLogger().handlers
    assert any(
        any(isinstance(f, MaskPersonalInformation) for f in handler.filters) for handler in root_handlers
    )
