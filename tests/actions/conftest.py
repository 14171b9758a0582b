import pytest

from tests.actions.factories import build_scene


@pytest.fixture
def scene(cast):
    return build_scene(cast)


@pytest.fixture
def as_role(login, scene):
    return lambda role: login(scene.user(role))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
