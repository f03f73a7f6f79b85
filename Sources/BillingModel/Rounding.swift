/// Integer division rounded half away from zero: the one rounding rule of
/// `grammar/contract-terms.md`, used everywhere an exact quotient must become cents or a
/// 4-decimal price.
@inlinable
public func divideRoundingHalfAwayFromZero(_ numerator: Int128, _ denominator: Int128) -> Int128 {
    precondition(denominator != 0, "division by zero")
    let negative = (numerator < 0) != (denominator < 0)
    let n = numerator.magnitude
    let d = denominator.magnitude
    var q = n / d
    let r = n % d
    if r * 2 >= d { q += 1 }
    let result = Int128(q)
    return negative ? -result : result
}
