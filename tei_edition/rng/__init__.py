"""The parts of the RELAX NG engine; :mod:`tei_edition.relaxng` is its front.

* :mod:`~tei_edition.rng.simplify` reads a schema (includes, external
  references, nested grammars, ``combine``) into one flat grammar of tuples;
* :mod:`~tei_edition.rng.prune` cuts that grammar down to the element and
  attribute names some documents use, and writes it out for libxml2;
* :mod:`~tei_edition.rng.positions` finds the line and column an editor needs;
* :mod:`~tei_edition.rng.messages` turns libxml2's wording into editors'.
"""
