build/src/utf8.o: src/utf8.c src/utf8.h src/util.h
src/utf8.h:
src/util.h:
