"""ETL: read the files humanitarian data comes in, validate, and publish to the warehouse.

`etl.sources` holds one reader per source format; readers only rename and cast.
`etl.validate` decides what loads and what is rejected; `etl.load` publishes.
"""
