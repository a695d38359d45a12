"""Data-officer sign-in, at /officer for anyone who is not a signed-in officer (see dashboard/auth.py)."""
from dashboard.auth import sign_in_page

sign_in_page()
