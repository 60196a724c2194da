-- 0007: the context tables of the yearly report (ISTAT residents of the zone).
--
-- Public reference data, not records of the desks: the residents and the foreign
-- residents by sex of the municipalities of the zone (the Società della Salute whose
-- desks these are), and the foreign residents by nationality. A year is the resident
-- population at 1 January of that year. Totals and shares are computed, never stored.
-- A year is replaced whole by `sportello context load` (src/context/); the figures of
-- 2023 printed in the 2023 activity report are seeded below.

-- The municipalities of the zone, in the order the report lists them. A loaded ISTAT
-- file is read for these municipalities only (matched by name: the 2023 report prints
-- no ISTAT code). A name never holds '/': the published CSV joins codes with it.
CREATE TABLE context_zone (
    municipality TEXT PRIMARY KEY NOT NULL
                 CHECK (length(municipality) BETWEEN 1 AND 80 AND municipality NOT GLOB '*/*'),
    position     INTEGER NOT NULL UNIQUE CHECK (position >= 1)
) STRICT;

-- The municipality each desk sits in, whose foreign residents by nationality the report
-- shows beside the desk. Not a foreign key to desks: a desk is mapped before its
-- records are ever imported. Scansano's virtual desk (SCA) is not mapped by default:
-- the 2023 report shows the nationalities of Grosseto and Follonica only.
CREATE TABLE context_desk_municipalities (
    desk         TEXT PRIMARY KEY NOT NULL
                 CHECK (length(desk) BETWEEN 2 AND 8 AND desk NOT GLOB '*[^A-Z]*'),
    municipality TEXT NOT NULL REFERENCES context_zone (municipality)
) STRICT;

-- A year of context data and where it comes from.
--   source: what the figures are (the report that printed them, or the ISTAT files);
--   note: what a reader must know about them (a figure reconstructed, ...);
--   all_nationalities: 1 when every nationality of every municipality is stored (a
--     citizenship file), 0 when only the largest ones are (as printed) or none;
--   loaded_at: when a coordinator loaded it (UTC, RFC 3339); NULL for the figures
--     shipped with the program.
CREATE TABLE context_years (
    year              INTEGER PRIMARY KEY NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    source            TEXT NOT NULL CHECK (source <> ''),
    note              TEXT NOT NULL DEFAULT '',
    all_nationalities INTEGER NOT NULL CHECK (all_nationalities IN (0, 1)),
    loaded_at         TEXT
) STRICT;

-- Residents and foreign residents by sex, per year and municipality of the zone; a
-- year holds every municipality of the zone.
CREATE TABLE context_residents (
    year            INTEGER NOT NULL REFERENCES context_years (year) ON DELETE CASCADE,
    municipality    TEXT NOT NULL REFERENCES context_zone (municipality),
    istat_code      TEXT CHECK (istat_code IS NULL
                                OR (length(istat_code) = 6 AND istat_code NOT GLOB '*[^0-9]*')),
    males           INTEGER NOT NULL CHECK (males >= 0),
    females         INTEGER NOT NULL CHECK (females >= 0),
    foreign_males   INTEGER NOT NULL CHECK (foreign_males BETWEEN 0 AND males),
    foreign_females INTEGER NOT NULL CHECK (foreign_females BETWEEN 0 AND females),
    PRIMARY KEY (year, municipality)
) STRICT;

-- Foreign residents by nationality (the Italian name ISTAT prints), per year and
-- municipality; only nationalities with residents. istat_code: ISTAT's three-digit
-- code of the country of citizenship, when the source gives it.
CREATE TABLE context_nationalities (
    year         INTEGER NOT NULL,
    municipality TEXT NOT NULL,
    nationality  TEXT NOT NULL CHECK (length(nationality) BETWEEN 1 AND 80),
    istat_code   TEXT CHECK (istat_code IS NULL
                             OR (length(istat_code) = 3 AND istat_code NOT GLOB '*[^0-9]*')),
    residents    INTEGER NOT NULL CHECK (residents > 0),
    PRIMARY KEY (year, municipality, nationality),
    FOREIGN KEY (year, municipality) REFERENCES context_residents (year, municipality)
        ON DELETE CASCADE
) STRICT;

INSERT INTO context_zone (municipality, position) VALUES
    ('Arcidosso', 1),
    ('Campagnatico', 2),
    ('Castel del Piano', 3),
    ('Castell''Azzara', 4),
    ('Castiglione della Pescaia', 5),
    ('Cinigiano', 6),
    ('Civitella Paganico', 7),
    ('Follonica', 8),
    ('Gavorrano', 9),
    ('Grosseto', 10),
    ('Massa Marittima', 11),
    ('Monterotondo Marittimo', 12),
    ('Montieri', 13),
    ('Roccalbegna', 14),
    ('Roccastrada', 15),
    ('Santa Fiora', 16),
    ('Scansano', 17),
    ('Scarlino', 18),
    ('Seggiano', 19),
    ('Semproniano', 20);

INSERT INTO context_desk_municipalities (desk, municipality) VALUES
    ('GRO', 'Grosseto'),
    ('FOL', 'Follonica');

-- 2023, as printed in the 2023 activity report ("Dati anagrafe dei Comuni aderenti alla
-- SdS anno 2023", source: Elaborazioni Simurg su dati ISTAT, demo.istat.it). Its
-- "Totale complessivo" is 81.851 / 86.410 / 168.261 residents and 9.107 / 9.174 /
-- 18.281 foreign residents (a test checks the rows add up to it).
INSERT INTO context_years (year, source, note, all_nationalities, loaded_at) VALUES
    (2023,
     'Rapporto di attività 2023 (Elaborazioni Simurg su dati ISTAT, demo.istat.it)',
     'Ucraina a Grosseto: 626, ricostruito. La copia del rapporto legge "26", ma la '
     || 'tabella è in ordine decrescente tra Albania (1.000) e Moldova (446).',
     0,
     NULL);

INSERT INTO context_residents
    (year, municipality, istat_code, males, females, foreign_males, foreign_females) VALUES
    (2023, 'Arcidosso', NULL, 2094, 2107, 411, 331),
    (2023, 'Campagnatico', NULL, 1211, 1142, 165, 98),
    (2023, 'Castel del Piano', NULL, 2390, 2363, 472, 407),
    (2023, 'Castell''Azzara', NULL, 635, 675, 72, 80),
    (2023, 'Castiglione della Pescaia', NULL, 3533, 3598, 300, 314),
    (2023, 'Cinigiano', NULL, 1224, 1153, 259, 193),
    (2023, 'Civitella Paganico', NULL, 1472, 1450, 236, 193),
    (2023, 'Follonica', NULL, 9659, 10798, 608, 845),
    (2023, 'Gavorrano', NULL, 4088, 4174, 480, 468),
    (2023, 'Grosseto', NULL, 39228, 42380, 3579, 3898),
    (2023, 'Massa Marittima', NULL, 3909, 4258, 547, 540),
    (2023, 'Monterotondo Marittimo', NULL, 662, 608, 189, 145),
    (2023, 'Montieri', NULL, 614, 577, 185, 172),
    (2023, 'Roccalbegna', NULL, 457, 461, 44, 53),
    (2023, 'Roccastrada', NULL, 4331, 4457, 606, 599),
    (2023, 'Santa Fiora', NULL, 1225, 1279, 173, 170),
    (2023, 'Scansano', NULL, 2254, 2074, 484, 362),
    (2023, 'Scarlino', NULL, 1891, 1858, 134, 152),
    (2023, 'Seggiano', NULL, 515, 492, 119, 103),
    (2023, 'Semproniano', NULL, 459, 506, 44, 51);

-- The six largest nationalities of the foreign residents of the desks' municipalities,
-- 2023 ("Prime 6 nazionalità residenti non italiani"). Grosseto's Ukraine: see the note
-- of the year above.
INSERT INTO context_nationalities (year, municipality, nationality, istat_code, residents) VALUES
    (2023, 'Grosseto', 'Romania', NULL, 1767),
    (2023, 'Grosseto', 'Albania', NULL, 1000),
    (2023, 'Grosseto', 'Ucraina', NULL, 626),
    (2023, 'Grosseto', 'Moldova', NULL, 446),
    (2023, 'Grosseto', 'Marocco', NULL, 423),
    (2023, 'Grosseto', 'Pakistan', NULL, 277),
    (2023, 'Follonica', 'Ucraina', NULL, 362),
    (2023, 'Follonica', 'Romania', NULL, 293),
    (2023, 'Follonica', 'Albania', NULL, 175),
    (2023, 'Follonica', 'Senegal', NULL, 125),
    (2023, 'Follonica', 'Cina', NULL, 70),
    (2023, 'Follonica', 'Polonia', NULL, 59);
