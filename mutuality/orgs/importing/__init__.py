"""Importing people from a CSV file (an HR export): reading, checking, planning, writing.

`services.import_people` is the one entry point (the web page, the command line and the
demo call it); `people_csv` reads and writes the file format; the plan is worked out by
`planner.Planner`, whose steps are in `rows`, `tree` and `changes`, and written by
`writing`. The rules an admin meets are in services.py's docstring.
"""
