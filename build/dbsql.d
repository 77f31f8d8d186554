build/dbsql.o: build/dbsql.c src/dbsql.h
src/dbsql.h:
