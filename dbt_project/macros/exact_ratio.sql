{#
    numerator ÷ denominator as DECIMAL(38,6), rounded half away from zero at the sixth
    decimal, computed exactly in integers (DuckDB divides decimals in floating point).
    Both arguments are decimals of scale 6 at most, such as the DECIMAL(20,6) amounts.
    Null when either is null or the denominator is 0.
#}
{% macro exact_ratio(numerator, denominator) -%}

    case
        when {{ denominator }} <> 0 then
            cast(
                cast(
                    sign({{ numerator }}) * sign({{ denominator }})
                    * (
                        (
                            2 * abs(cast({{ numerator }} * 1000000 as hugeint)) * 1000000
                            + abs(cast({{ denominator }} * 1000000 as hugeint))
                        )
                        // (2 * abs(cast({{ denominator }} * 1000000 as hugeint)))
                    ) as decimal(38, 0)
                ) * cast(0.000001 as decimal(7, 6))
                as decimal(38, 6)
            )
    end

{%- endmacro %}
