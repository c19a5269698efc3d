# -DMPRECOVER_SANITIZE=ON builds everything with ASan and UBSan (make test-sanitize).
if(MPRECOVER_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
