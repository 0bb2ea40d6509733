-- name: schema/001_tables: the first tables: regions, cases (with the violations view), raids, detentions, reach, events, meta
-- Shipped: never edit it; add the next file.
CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
CREATE TABLE regions (
    code      VARCHAR PRIMARY KEY,
    name_en   VARCHAR NOT NULL,
    name_ru   VARCHAR NOT NULL,
    name_ky   VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL CHECK (kind IN ('oblast', 'city')),
    label_lat DOUBLE NOT NULL,
    label_lon DOUBLE NOT NULL
);
-- Documented cases, counted per region, month, perpetrator and the set of
-- violation types they include. A case with several types is one row of
-- count here, so totals count it once; the violations view counts it once
-- per type.
CREATE TABLE cases (
    region          VARCHAR NOT NULL REFERENCES regions (code),
    month           DATE NOT NULL CHECK (day(month) = 1),
    perpetrator     VARCHAR NOT NULL CHECK (perpetrator IN ('police', 'pimp', 'client', 'vigilante', 'other')),
    violation_types VARCHAR[] NOT NULL CHECK (len(violation_types) > 0),
    cases           INTEGER NOT NULL CHECK (cases >= 0),
    extorted_som    BIGINT NOT NULL DEFAULT 0 CHECK (extorted_som >= 0)
);
CREATE VIEW violations AS
    SELECT region, month, violation_type, perpetrator, sum(cases)::BIGINT AS cases
    FROM (SELECT region, month, perpetrator, cases, unnest(violation_types) AS violation_type FROM cases)
    GROUP BY ALL;
CREATE TABLE raids (
    region          VARCHAR NOT NULL REFERENCES regions (code),
    month           DATE NOT NULL CHECK (day(month) = 1),
    raid_events     INTEGER NOT NULL CHECK (raid_events >= 0),
    people_detained INTEGER NOT NULL CHECK (people_detained >= 0)
);
CREATE TABLE detentions (
    region               VARCHAR NOT NULL REFERENCES regions (code),
    month                DATE NOT NULL CHECK (day(month) = 1),
    cases_with_detention INTEGER NOT NULL CHECK (cases_with_detention >= 0),
    detention_days       INTEGER NOT NULL CHECK (detention_days >= 0)
);
-- quarter is the first day of the quarter.
CREATE TABLE reach (
    region        VARCHAR NOT NULL REFERENCES regions (code),
    quarter       DATE NOT NULL CHECK (day(quarter) = 1 AND month(quarter) IN (1, 4, 7, 10)),
    planned       INTEGER NOT NULL CHECK (planned >= 0),
    reached       INTEGER NOT NULL CHECK (reached >= 0),
    hiv_tests     INTEGER CHECK (hiv_tests >= 0),
    condoms       INTEGER CHECK (condoms >= 0),
    consultations INTEGER CHECK (consultations >= 0)
);
CREATE TABLE events (
    event_date DATE NOT NULL,
    region     VARCHAR REFERENCES regions (code),
    title_en   VARCHAR,
    title_ru   VARCHAR,
    title_ky   VARCHAR,
    CHECK (coalesce(title_en, title_ru, title_ky) IS NOT NULL)
);
