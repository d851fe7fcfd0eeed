# chatkit_warnings(<target>): the warning policy for chatkit's own code.
# Third-party headers come in through imported targets, which CMake marks as
# SYSTEM, so -Werror applies to our code only.
function(chatkit_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /WX)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow
                                             -Wnon-virtual-dtor -Wold-style-cast
                                             -Wcast-align -Woverloaded-virtual)
  endif()
endfunction()
