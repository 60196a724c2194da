-- 0003: the back-office appointment kinds and their documents to bring.
--
-- Both are data the coordinator edits (`sportello appointments kinds`, `... documents`):
-- the rules change, the code does not. The Italian text of a document is also the key
-- of its translations in slips/i18n/<language>.json; a document whose text has no
-- translation yet is printed in Italian on both sides of the slip.
--
-- Personal data of appointments (name, phone) is erased N days after the appointment
-- (setting `appointments.retention_days`, default 90); the row stays, without it, so
-- the anonymous counts by kind and outcome survive the purge.

INSERT INTO appointment_kinds (code, label_it, label_en, slot_minutes, active, sort_order) VALUES
    ('rinnovo_permesso', 'Rinnovo permesso di soggiorno (kit postale, ELI2)',
     'Residence permit renewal (postal kit, ELI2)', 30, 1, 10),
    ('permesso_ue', 'Permesso UE per soggiornanti di lungo periodo',
     'EU long-term residence permit', 30, 1, 20),
    ('cittadinanza', 'Cittadinanza italiana', 'Italian citizenship', 60, 1, 30),
    ('ricongiungimento', 'Ricongiungimento familiare', 'Family reunification', 60, 1, 40),
    ('altro', 'Altro', 'Other', 30, 1, 50);

INSERT INTO appointment_documents (kind, position, text_it) VALUES
    ('rinnovo_permesso', 1, 'Passaporto in corso di validità e fotocopia di tutte le pagine'),
    ('rinnovo_permesso', 2, 'Permesso di soggiorno (o ricevuta postale) e fotocopia'),
    ('rinnovo_permesso', 3, '4 fototessere recenti e uguali'),
    ('rinnovo_permesso', 4, 'Codice fiscale o tessera sanitaria'),
    ('rinnovo_permesso', 5, 'Marca da bollo da 16 euro'),
    ('rinnovo_permesso', 6, 'Contratto di lavoro e ultime buste paga'),
    ('rinnovo_permesso', 7, 'Dichiarazione dei redditi o CU dell''ultimo anno'),
    ('rinnovo_permesso', 8, 'Contratto d''affitto, atto di proprietà o dichiarazione di ospitalità'),

    ('permesso_ue', 1, 'Passaporto in corso di validità e fotocopia di tutte le pagine'),
    ('permesso_ue', 2, 'Permesso di soggiorno (o ricevuta postale) e fotocopia'),
    ('permesso_ue', 3, 'Codice fiscale o tessera sanitaria'),
    ('permesso_ue', 4, 'Certificato di conoscenza della lingua italiana (livello A2)'),
    ('permesso_ue', 5, 'Dichiarazioni dei redditi o CU degli ultimi 3 anni'),
    ('permesso_ue', 6, 'Contratto di lavoro e ultime buste paga'),
    ('permesso_ue', 7, 'Contratto d''affitto, atto di proprietà o dichiarazione di ospitalità'),
    ('permesso_ue', 8, 'Marca da bollo da 16 euro'),

    ('cittadinanza', 1, 'SPID (identità digitale) attivo, con le credenziali'),
    ('cittadinanza', 2, 'Passaporto in corso di validità e fotocopia di tutte le pagine'),
    ('cittadinanza', 3, 'Permesso di soggiorno (o ricevuta postale) e fotocopia'),
    ('cittadinanza', 4, 'Atto di nascita tradotto e legalizzato (o con apostille)'),
    ('cittadinanza', 5, 'Certificato penale del Paese d''origine tradotto e legalizzato (o con apostille)'),
    ('cittadinanza', 6, 'Certificato di conoscenza della lingua italiana (livello B1)'),
    ('cittadinanza', 7, 'Dichiarazioni dei redditi o CU degli ultimi 3 anni'),
    ('cittadinanza', 8, 'Ricevuta del versamento di 250 euro per la domanda di cittadinanza'),
    ('cittadinanza', 9, 'Marca da bollo da 16 euro'),

    ('ricongiungimento', 1, 'SPID (identità digitale) attivo, con le credenziali'),
    ('ricongiungimento', 2, 'Passaporto in corso di validità e fotocopia di tutte le pagine'),
    ('ricongiungimento', 3, 'Permesso di soggiorno (o ricevuta postale) e fotocopia'),
    ('ricongiungimento', 4, 'Certificato di idoneità alloggiativa'),
    ('ricongiungimento', 5, 'Contratto d''affitto, atto di proprietà o dichiarazione di ospitalità'),
    ('ricongiungimento', 6, 'Contratto di lavoro e ultime buste paga'),
    ('ricongiungimento', 7, 'Dichiarazione dei redditi o CU dell''ultimo anno'),
    ('ricongiungimento', 8, 'Passaporto dei familiari e certificati di nascita o di matrimonio tradotti e legalizzati'),
    ('ricongiungimento', 9, 'Marca da bollo da 16 euro'),

    ('altro', 1, 'Passaporto in corso di validità e fotocopia di tutte le pagine'),
    ('altro', 2, 'Permesso di soggiorno (o ricevuta postale) e fotocopia'),
    ('altro', 3, 'Documenti che riguardano la richiesta');

-- The purge looks for appointments older than the retention that still hold personal data.
CREATE INDEX appointments_unpurged_day ON appointments (day) WHERE purged_at IS NULL;
