"""Names to initials for exports (`--mask-names`): the functions live in `search/masking.py`
(floor 2), so that alerts (e-mail, webhook) mask names the same way as exports do."""

from __future__ import annotations

from search.masking import MASK_CJK, initials, mask_article, mask_text

__all__ = ["MASK_CJK", "initials", "mask_article", "mask_text"]
