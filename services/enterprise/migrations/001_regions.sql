-- GB/T 2260 administrative divisions (statistical division codes), loaded from
-- services/enterprise/data/regions at start when the bundled files change.
CREATE TABLE regions (
  code   text PRIMARY KEY CHECK (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3})?)?)?$'),
  name   text NOT NULL,
  parent text NOT NULL,           -- '' for provinces
  level  smallint NOT NULL CHECK (level BETWEEN 1 AND 4)
);
CREATE INDEX regions_parent ON regions (parent, code);

-- Which version of each bundled reference data set is loaded.
CREATE TABLE reference_data (
  name      text PRIMARY KEY,
  sha256    text NOT NULL,
  rows      integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
