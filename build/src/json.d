build/src/json.o: src/json.c src/json.h src/util.h src/utf8.h
src/json.h:
src/util.h:
src/utf8.h:
