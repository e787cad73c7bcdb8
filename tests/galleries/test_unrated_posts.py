"""Posts collected from a network carry no rating: a gallery shows them only when it has no minimum rating,
and "no minimum" is what an empty field says."""

from campaign.galleries.models import Gallery
from campaign.galleries.services import items
from tests.rights.helpers import add_templates, collected, granted


def shown(gallery: Gallery) -> set[str]:
    return {entry.public_id for entry in items(gallery)}


def test_no_minimum_shows_posts_without_a_rating_and_a_minimum_shows_only_rated_ones(brand):
    add_templates(brand)
    post = collected(brand, approve=True)
    granted(brand, post)
    low, high = brand.approved(rating="1"), brand.approved(rating="4")
    everything = brand.gallery(min_rating="")
    assert everything.min_rating is None
    assert shown(everything) == {post.public_id, low.public_id, high.public_id}
    assert shown(brand.gallery(min_rating="1")) == {low.public_id, high.public_id}
    assert shown(brand.gallery(min_rating="4")) == {high.public_id}


def test_the_form_takes_an_empty_minimum_and_says_what_it_means(brand):
    page = brand.studio.client.get("/studio/galleries/new", headers={"Accept-Language": "ja"}).text
    assert "評価のない投稿" in page
    gallery = brand.gallery(min_rating="")
    edit = brand.studio.client.get(f"/studio/galleries/{gallery.public_id}").text
    assert "整数で入力してください" not in edit
