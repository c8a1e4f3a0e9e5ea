"""Workshop sessions: a room scoring an agenda of accounts together (issue 21, items 3 and 4).

- ``sessions``: a session (title, quarter, facilitator, join code), its agenda (accounts in order,
  a time box each) and the step the room is on, with the timer computed from stored times;
- ``agenda``: the agenda builders (movers, candidates for Strategic, incomplete accounts);
- ``votes``: participants joining with the code, their votes (one row each, upserted), the spread
  per criterion (count, min, median, max, outliers named);
- ``consensus``: the live position of an account as sliders move, the consensus committed as the
  account's scores (through ``portfolio.scoring``), the decision and its actions;
- ``minutes``: a session as ``documents.minutes.WorkshopMinutes``.

No streamlit here: the pages (``pages/portfolio/workshop.py``, ``join.py``) draw it.
"""
