"""Loss Landscape Lab: watch optimizers race across loss landscapes, live."""

__version__ = "0.1.0"


def page(source, steps: int | None = None, device: str = "auto"):
    """The interactive page of a session, a session file or a scene id, for a notebook:
    shown inline (``_repr_html_``) and written with ``.save("lesson.html")``.

    ::

        import landscape_app
        landscape_app.page("adam-vs-sgd", steps=300)          # shows inline in Jupyter
        landscape_app.page("my-race.json").save("lesson.html")

    See :func:`landscape_app.engine.page.page`.
    """
    from landscape_app.engine.page import page as make_page

    return make_page(source, steps=steps, device=device)
