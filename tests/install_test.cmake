# `cmake --install --component program` into a fresh prefix: the program runs from there,
# and the class rules and the documents are where the README says.
file(REMOVE_RECURSE "${OUT}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${OUT}" --component program
                RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}):\n${log}")
endif()
foreach(f bin/ngsynth share/ngsynth/drum_rules.json share/doc/ngsynth/LICENSE share/doc/ngsynth/README.md)
  if(NOT EXISTS "${OUT}/${f}")
    message(FATAL_ERROR "not installed: ${f}\n${log}")
  endif()
endforeach()
execute_process(COMMAND "${OUT}/bin/ngsynth" --help RESULT_VARIABLE rc OUTPUT_VARIABLE help ERROR_VARIABLE help)
if(NOT rc EQUAL 0 OR NOT help MATCHES "make" OR NOT help MATCHES "kit")
  message(FATAL_ERROR "the installed ngsynth --help failed (${rc}):\n${help}")
endif()
file(REMOVE_RECURSE "${OUT}")
