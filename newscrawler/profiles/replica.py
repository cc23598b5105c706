"""The replica contract of `docs/target-site.md`: the default profile, and the one tests cover."""

from . import SiteProfile

PROFILE = SiteProfile(name="replica", timezone="Asia/Seoul")
