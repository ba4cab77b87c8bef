#!/usr/bin/python3
"""validate_schema.py SCHEMA DOCUMENT: validates DOCUMENT (JSON) against the JSON schema SCHEMA,
resolving relative $refs (defs.json, config-linux.json, ...) against SCHEMA's directory.
Prints one line per error ("path: message") and exits 1 if there is any, 0 if valid."""
import json
import os
import sys

import jsonschema

schema_path, doc_path = sys.argv[1], sys.argv[2]
with open(schema_path) as f:
    schema = json.load(f)
with open(doc_path) as f:
    doc = json.load(f)
base = 'file://' + os.path.dirname(os.path.abspath(schema_path)) + '/'
resolver = jsonschema.RefResolver(base_uri=base, referrer=schema)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, resolver=resolver)
errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.path])
for e in errors:
    print('/'.join(str(p) for p in e.path) or '<root>', ':', e.message)
sys.exit(1 if errors else 0)
