-- An exported order's OrderSync row is updated about six times (claim, steps, completion) right
-- after the collector inserted it. With pages filled to 100% every update moves the row to another
-- page and writes all five of its index entries again; with room left on the page Postgres updates
-- it in place (HOT: the steps change no indexed column) and the indexes are not touched.
-- Applies to pages written from now on (existing rows keep their pages until rewritten).
ALTER TABLE "OrderSync" SET (fillfactor = 70);
