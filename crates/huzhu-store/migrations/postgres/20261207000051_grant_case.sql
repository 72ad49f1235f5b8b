-- The case each relief application was decided on (SPEC 11's case JSON, as the engine read it),
-- kept so that `huzhu replay --programme FILE --year Y` can re-decide a year's applications under
-- another programme file. Applications made before this column, and campaign grants (whose list
-- is the decision), have none.
ALTER TABLE grants ADD COLUMN case_json TEXT;
