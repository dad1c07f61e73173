"""The published output contract: ``plan.schema.json`` (JSON Schema 2020-12 of ``plan.json``)
and ``plan.xsd`` (``plan.xml``).  Kept here, at the top of the repository; installed as
``pipeline.schemas`` (``importlib.resources.files("pipeline.schemas")``)."""
