from perfbudget.projects.models import ProjectYear


def test_world_builds(world):
    assert ProjectYear.objects.count() == 9
    assert world.projects["city"]["farm"].abc_class == "A"
    assert world.projects["city"]["school"].abc_class == "B"
