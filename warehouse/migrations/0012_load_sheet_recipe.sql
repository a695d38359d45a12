-- What a load read besides the file's content: the workbook sheet named with --sheet (or a manifest's
-- `sheet`), and the sha256 of the recipe file that read it. "Already loaded" is the same content, kind,
-- sheet and recipe: sheet 2 of a workbook is not sheet 1 again, and a corrected recipe reloads the file
-- (replacing the load of the same name, kind and sheet).
ALTER TABLE loads ADD COLUMN sheet VARCHAR;
ALTER TABLE loads ADD COLUMN recipe_sha256 VARCHAR;
