# Warnings every target of ours gets: call mprecover_warnings(<target>).
function(mprecover_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
  if(MPRECOVER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
