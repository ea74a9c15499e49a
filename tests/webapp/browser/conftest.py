"""Browser fixtures (`browser`, `open_page`, `page`) live in tests/webapp/conftest.py."""
