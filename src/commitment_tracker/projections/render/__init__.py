"""Drawing for people: the timeline chart (PNG, SVG), the compliance heat map as an image, and the
self-contained HTML report, each beside its templates (``templates/``) and one shared palette.

What it offers: ``chart.render`` (timelines), ``score_image.render_heatmap`` and
``report.render_report``. It draws plain data the pure core computes (timelines, heat maps,
boards); it may import that core (``commitment_tracker.projections``), ``tracker`` and ``events``,
never ``projections.view``: what it draws is chosen and read by its caller.
"""
