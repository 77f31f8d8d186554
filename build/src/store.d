build/src/store.o: src/store.c src/dbsql.h src/store.h src/util.h
src/dbsql.h:
src/store.h:
src/util.h:
