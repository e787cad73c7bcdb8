"""The front page: where a visitor who typed the bare address lands."""

from flask import Blueprint, Flask, render_template

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
